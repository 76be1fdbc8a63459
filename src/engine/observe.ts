/**
 * Reads the fleet as it is — installed versions over SSH (in parallel) and
 * each server's state in every load balancer — for the planner, `plan` and
 * `status`. Changes nothing. Problems (unreachable host, refused host key,
 * unknown server) come back as values, all of them at once.
 */
import pLimit from 'p-limit';
import type { FleetFacts } from '../plan/types.js';
import type { Rollout } from '../spec/model.js';
import type { LoadBalancers, PackageManagers, RemoteShells, ServerStatus } from './ports.js';
import { isUp } from './steps/drain.js';

export interface Observation {
  facts: Required<Pick<FleetFacts, 'installed' | 'unsettled' | 'outOfRotation' | 'notServing'>>;
  /** host → load balancer → status, for `status`. */
  rotation: Record<string, Record<string, ServerStatus>>;
  problems: string[];
}

export interface ObserveDeps {
  shells: RemoteShells;
  packageManagers: PackageManagers;
  loadBalancers: LoadBalancers;
}

export async function observeFleet(
  rollout: Rollout,
  deps: ObserveDeps,
  signal: AbortSignal,
  // Hosts read at once. Reading is waiting on hosts, rarely CPU here: at 100 loopback hosts on a
  // loaded 2-core machine `plan` took ~7.8 s with 16 at once, ~6.3 s with 64 (bench/README.md).
  concurrency = 64,
): Promise<Observation> {
  const limit = pLimit(concurrency);
  const problems: string[] = [];
  const installed: FleetFacts['installed'] = {};
  const unsettled: NonNullable<FleetFacts['unsettled']> = {};
  const rotation: Observation['rotation'] = {};

  const readHosts = rollout.groups.flatMap((group) =>
    group.hosts.map((host) =>
      limit(async () => {
        const shell = await deps.shells.connect(host, signal);
        if (!shell.ok) return void problems.push(shell.error.message);
        const versions = await deps.packageManagers[group.packageManager].installed(
          shell.value,
          Object.keys(group.packages),
          signal,
        );
        if (!versions.ok) return void problems.push(versions.error.message); // adapters name the host
        installed[host.name] = versions.value.versions;
        if (Object.keys(versions.value.unsettled).length > 0) unsettled[host.name] = versions.value.unsettled;
      }),
    ),
  );

  const readBalancers = Object.values(rollout.loadBalancers).map(async (target) => {
    const lb = deps.loadBalancers.get(target);
    const servers = rollout.groups.filter((g) => g.loadBalancers.includes(target.name)).flatMap((g) => g.hosts);
    if (servers.length === 0) return;
    const verified = await lb.verify(
      servers.map((host) => host.lbServer),
      signal,
    );
    if (!verified.ok) return void problems.push(verified.error.message);
    const statuses = await lb.statuses(signal);
    if (!statuses.ok) return void problems.push(statuses.error.message);
    for (const host of servers) {
      const status = statuses.value.get(host.lbServer);
      if (status) (rotation[host.name] ??= {})[target.name] = status;
    }
  });

  await Promise.all([...readHosts, ...readBalancers]);
  const outOfRotation = Object.entries(rotation)
    .filter(([, byLb]) => Object.values(byLb).some((status) => status.adminState !== 'ready'))
    .map(([host]) => host);
  // In rotation by admin state, yet serving nothing: DOWN by the load balancer's own checks.
  const notServing = Object.entries(rotation)
    .filter(([host, byLb]) => !outOfRotation.includes(host) && Object.values(byLb).some((status) => !isUp(status)))
    .map(([host]) => host);
  return { facts: { installed, unsettled, outOfRotation, notServing }, rotation, problems: problems.sort() };
}
