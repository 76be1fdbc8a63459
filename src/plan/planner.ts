/**
 * The pure planner: (rollout, fleet facts) → Plan. No I/O, no clock, so
 * `plan` and `run` get the same plan from the same facts.
 * Nomad-style reconciliation: compare desired with observed per host, leave
 * converged hosts alone, batch the rest in inventory order.
 */
import { formatQuantity, maxUnavailableOf } from '../spec/quantity.js';
import type { GroupTarget, PausePolicy, Rollout } from '../spec/model.js';
import { splitIntoBatches } from './batches.js';
import {
  PLAN_VERSION,
  type BatchPlan,
  type ChangeKind,
  type CordonNote,
  type FleetFacts,
  type GroupPlan,
  type HostPlan,
  type PackageChange,
  type Plan,
  type PlanOptions,
} from './types.js';
import { compareVersions } from './versions.js';

export function planRollout(rollout: Rollout, facts: FleetFacts, options: PlanOptions = {}): Plan {
  const warnings: string[] = [];
  const pause: PausePolicy = options.skipPauses ? { kind: 'none' } : rollout.strategy.pause;
  // Going back to known versions in a hurry (revert --fast, a resumed rollback) is not judged by metrics.
  const analysis = options.skipPauses || options.purpose === 'rollback' ? undefined : rollout.analysis;
  const outOfRotation = new Set(facts.outOfRotation ?? []);
  const sick = new Set(facts.notServing ?? []);
  const groups = rollout.groups.map((group) => planGroup(group, rollout, facts, outOfRotation, sick, warnings));

  const batches: BatchPlan[] = [];
  for (const group of groups) {
    const pending = group.hosts.filter((host) => !host.converged).map((host) => host.name);
    const split = splitIntoBatches(pending, rollout.strategy.batches, group.size);
    // A host out of rotation holds a slot until its own batch brings it back;
    // one this plan does not bring back holds it for good.
    const unavailable = [...group.alreadyOut, ...group.notServing];
    const stuckOut = unavailable.filter((host) => !pending.includes(host));
    let reached = new Set<string>();
    let blocked = false;
    split.forEach((hosts, k) => {
      reached = new Set([...reached, ...hosts]);
      const stillOut = unavailable.filter((host) => !reached.has(host)).length;
      const capLeft = Math.max(0, group.maxUnavailable - stillOut);
      blocked ||= capLeft === 0;
      batches.push({
        index: batches.length + 1,
        group: group.name,
        groupBatch: k + 1,
        groupBatches: split.length,
        hosts,
        inFlight: Math.min(rollout.strategy.concurrency, capLeft, hosts.length),
        gate: pause,
        ...(analysis ? { analysis } : {}),
      });
    });
    if (blocked) {
      warnings.push(
        `${group.name}: ${stuckOut.length} host(s) already out of rotation (${stuckOut.join(', ')}) ` +
          `use up maxUnavailable ${formatQuantity(rollout.strategy.maxUnavailable)} = ${group.maxUnavailable}: ` +
          `nothing can be drained until they are back (lieutenant resume)`,
      );
    }
  }

  // No gate after the last batch: the run is over.
  const last = batches.at(-1);
  if (last) last.gate = { kind: 'none' };
  const usedBalancers = new Set(groups.flatMap((group) => group.loadBalancers));
  return {
    version: PLAN_VERSION,
    rollout: rollout.rollout,
    environment: rollout.environment,
    commit: rollout.source.commit,
    purpose: options.purpose ?? 'release',
    strategy: { ...rollout.strategy, pause },
    drain: { ...rollout.drain },
    health: { ...rollout.health },
    // A sick server may recover within the time a host gets to become healthy.
    capacity: { waitMs: rollout.health.timeoutMs },
    access: { user: rollout.ssh.user, become: rollout.ssh.become },
    loadBalancers: Object.fromEntries(
      Object.entries(rollout.loadBalancers).filter(([name]) => usedBalancers.has(name)),
    ),
    groups,
    batches,
    warnings,
    approvals: rollout.approvals,
    ...(hasRunSteps(rollout) ? { runSteps: rollout.runSteps } : {}),
  };
}

function hasRunSteps(rollout: Rollout): boolean {
  return rollout.runSteps.before.length + rollout.runSteps.after.length > 0;
}

function hasHostSteps(group: GroupTarget): boolean {
  return Object.values(group.steps).some((steps) => steps.length > 0);
}

function planGroup(
  group: GroupTarget,
  rollout: Rollout,
  facts: FleetFacts,
  outOfRotation: ReadonlySet<string>,
  sick: ReadonlySet<string>,
  warnings: string[],
): GroupPlan {
  const size = group.hosts.length;
  const maxUnavailable = maxUnavailableOf(rollout.strategy.maxUnavailable, size);
  const leftOut = new Set(facts.leftOut ?? []);
  const only = facts.only ? new Set(facts.only) : undefined;
  const hosts: HostPlan[] = group.hosts.map((host) => {
    const installed = facts.installed[host.name];
    if (installed === undefined) throw new Error(`planRollout: no installed versions for host ${host.name}`);
    const target = facts.targets?.[host.name] ?? group.packages;
    const changes = Object.entries(target).map(([name, to]) =>
      packageChange(group.packageManager, name, installed[name] ?? null, to, facts.unsettled?.[host.name]?.[name]),
    );
    const isLeftOut = leftOut.has(host.name);
    const excluded = only !== undefined && !only.has(host.name);
    const before = facts.before?.[host.name];
    const cordoned = facts.cordoned?.[host.name];
    return {
      ...(before ? { before } : {}),
      ...(cordoned ? { cordoned } : {}),
      name: host.name,
      address: host.address,
      group: group.name,
      lbServer: host.lbServer,
      ...(host.ssh ? { ssh: host.ssh } : {}),
      changes,
      leftOut: isLeftOut,
      converged:
        excluded || cordoned !== undefined || (!isLeftOut && changes.every((change) => change.kind === 'unchanged')),
    };
  });
  const notServing = group.hosts.filter((host) => sick.has(host.name) && !outOfRotation.has(host.name));
  if (notServing.length > 0) {
    warnings.push(
      `${group.name}: ${notServing.map((host) => host.name).join(', ')} ${notServing.length === 1 ? 'is' : 'are'} ` +
        `in rotation but DOWN on a load balancer (serving nothing); counted against maxUnavailable ${maxUnavailable}`,
    );
  }
  const biggestBatch = Math.max(0, ...splitIntoBatches(hosts, rollout.strategy.batches, size).map((b) => b.length));
  if (biggestBatch > maxUnavailable) {
    warnings.push(
      `${group.name}: batches of up to ${biggestBatch} hosts, but maxUnavailable allows ${maxUnavailable} out of rotation at once; ` +
        `hosts inside a batch will wait for each other`,
    );
  }
  return {
    name: group.name,
    packageManager: group.packageManager,
    loadBalancers: group.loadBalancers,
    size,
    maxUnavailable,
    alreadyOut: group.hosts.filter((host) => outOfRotation.has(host.name)).map((host) => host.name),
    notServing: notServing.map((host) => host.name),
    checks: group.checks,
    ...(hasHostSteps(group) ? { steps: group.steps } : {}),
    hosts,
  };
}

export function packageChange(
  manager: GroupTarget['packageManager'],
  name: string,
  from: string | null,
  to: string | null,
  /** The package's unfinished state on the host, if an interrupted install left one. */
  unsettled?: string,
): PackageChange {
  let kind: ChangeKind;
  if (to === null) kind = from === null ? 'unchanged' : 'remove';
  else if (from === null) kind = 'install';
  else {
    const order = compareVersions(manager, from, to);
    kind = order === 0 ? (unsettled ? 'repair' : 'unchanged') : order < 0 ? 'upgrade' : 'downgrade';
  }
  return unsettled ? { name, from, to, kind, unsettled } : { name, from, to, kind };
}

/** Hosts of the plan that will change, in batch order. */
export function plannedHosts(plan: Plan): HostPlan[] {
  const byName = new Map(plan.groups.flatMap((group) => group.hosts).map((host) => [host.name, host]));
  return plan.batches
    .flatMap((batch) => batch.hosts.map((name) => byName.get(name)))
    .filter((h): h is HostPlan => h !== undefined);
}

/** The hosts a plan leaves alone because of a cordon, with it. */
export function cordonedHosts(plan: Plan): Array<{ host: string; cordon: CordonNote }> {
  return plan.groups.flatMap((group) =>
    group.hosts.flatMap((host) => (host.cordoned ? [{ host: host.name, cordon: host.cordoned }] : [])),
  );
}

/** `web-03 (cordoned by alice: debugging, until 2026-12-08T12:00:00.000Z)`, for plan, views and the summary. */
export function cordonText(host: string, cordon: CordonNote): string {
  const on = cordon.kind === 'host' ? '' : ` ${cordon.kind} ${cordon.target}`;
  return `${host} (cordoned${on} by ${cordon.by}: ${cordon.reason}${cordon.until ? `, until ${cordon.until}` : ''})`;
}
