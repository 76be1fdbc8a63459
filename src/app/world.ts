/**
 * The real adapters behind the engine's ports. The only place (with the
 * tests) that knows which adapter implements which port: the services ask
 * here for the remote side (SSH, package managers, HAProxy, health probes) and
 * for the local one (clock, journal).
 *
 * The remote adapters are imported on first use: node-ssh is the heaviest
 * module of the CLI to load, and a command that calls `loadAdapters()` before
 * it reads the spec from Git gets them loaded while git runs. The caller
 * holds the promise; nothing is cached here.
 */
import { systemClock } from '../adapters/clock.js';
import { readOpenFileLimit, type OpenFileLimit } from '../adapters/system/open-files.js';
import { openJournal, type FileJournal } from '../records/journal/index.js';
import { journalPath } from '../records/index.js';
import type {
  Clock,
  HealthProbe,
  LoadBalancers,
  MetricProviders,
  PackageManagers,
  RemoteShells,
} from '../engine/index.js';
import type { Rollout, SshHostRef } from '../spec/model.js';
import type { RuntimeUsage } from '../adapters/haproxy/index.js';

/** The fleet's side, for one rollout's SSH settings. */
export interface World {
  shells: RemoteShells;
  packageManagers: PackageManagers;
  loadBalancers: LoadBalancers;
  probe: HealthProbe;
  /** The analysis between batches: HAProxy counters through the same clients, Prometheus over HTTP. */
  metrics: MetricProviders;
  /** Runtime-API commands and connections per load balancer so far, for the run log (absent in fakes). */
  loadBalancerUsage?(): Record<string, RuntimeUsage>;
  /** Sockets the SSH connections to every host will hold at once (absent in fakes). */
  sshSockets?(): Promise<number>;
}

export interface RemoteAdapters {
  connect(rollout: Rollout): World;
}

/** This machine's side: cheap to load, used by every command that runs or records a run. */
export interface LocalAdapters {
  clock: Clock;
  /** The write-ahead journal of one run (appends to an interrupted run's). */
  openJournal(repoDir: string, runId: string): Promise<FileJournal>;
  /** `ulimit -n` of this process; undefined where it cannot be read. */
  openFileLimit(): Promise<OpenFileLimit | undefined>;
}

export const localAdapters: LocalAdapters = {
  clock: systemClock,
  openJournal: (repoDir, runId) => openJournal(journalPath(repoDir, runId)),
  openFileLimit: () => readOpenFileLimit(),
};

/** Starts loading the remote adapters; await it where the first connection is made. */
export function loadAdapters(): Promise<RemoteAdapters> {
  const loading = importRemoteAdapters();
  loading.catch(() => undefined); // a command that stops early never awaits it; one that awaits it sees the failure
  return loading;
}

async function importRemoteAdapters(): Promise<RemoteAdapters> {
  const [ssh, sockets, packages, haproxy, health, analysis] = await Promise.all([
    import('../adapters/ssh/remote-shells.js'),
    import('../adapters/ssh/socket-count.js'),
    import('../adapters/packages/package-managers.js'),
    import('../adapters/haproxy/index.js'),
    import('../adapters/health/index.js'),
    import('../adapters/analysis/index.js'),
  ]);
  return {
    connect: (rollout) => {
      // One client per load balancer for the whole run: observation, every host, rollback.
      const shells = ssh.createRemoteShells(rollout.ssh);
      // ssh:// sockets ride on the same kind of verified connection as the hosts, one per load balancer host.
      const loadBalancers = haproxy.createLoadBalancers({ dialSsh: shells.dialStreamLocal });
      return {
        shells,
        packageManagers: packages.createPackageManagers(),
        loadBalancers,
        probe: health.createHealthProbe(),
        metrics: analysis.createMetricProviders({
          readCounters: (target, signal) => loadBalancers.counters(target, signal),
        }),
        loadBalancerUsage: () => loadBalancers.usage(),
        sshSockets: () =>
          sockets.sshSocketCount(
            rollout.groups.flatMap((group) => group.hosts),
            rollout.ssh,
            { loadBalancerHosts: sshLoadBalancerHosts(rollout) },
          ),
      };
    },
  };
}

/** The SSH logins of the load balancers the rollout's groups use through `ssh://` sockets. */
function sshLoadBalancerHosts(rollout: Rollout): SshHostRef[] {
  const used = new Set(rollout.groups.flatMap((group) => group.loadBalancers));
  return Object.values(rollout.loadBalancers).flatMap((lb) =>
    used.has(lb.name) && 'ssh' in lb.endpoint ? [lb.endpoint.ssh] : [],
  );
}
