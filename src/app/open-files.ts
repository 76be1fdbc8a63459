/**
 * Will the run fit in the process's open-file limit (`ulimit -n`)? Every SSH
 * connection stays open for the whole run — a socket per host reached
 * directly, one per jump host — beside the load balancers' runtime-API
 * connections, the health checks in flight and Lieutenant's own files. Past
 * the limit, connections fail mid-run with EMFILE; so the run is refused
 * before the first connection, saying what to change (exit 2). The limit is
 * read as the process has it: Node has already raised its soft limit to the
 * hard one.
 */
import { badInput, type AppFailure } from './failure.js';
import type { Rollout } from '../spec/model.js';
import type { OpenFileLimit } from '../adapters/system/open-files.js';
import { localAdapters, type World } from './world.js';

/**
 * Lieutenant's own: Node, stdio, the journal, the log, the lock, git's pipes,
 * webhooks, Prometheus. Measured: loading the CLI alone opens about 100 files
 * at once (Node reads its modules in parallel), so less than this cannot work.
 */
export const OWN_FILES = 128;

export interface OpenFileNeeds {
  ssh: number;
  loadBalancers: number;
  healthChecks: number;
}

/** Before the first connection: undefined when the run fits in `ulimit -n`. */
export async function checkOpenFiles(rollout: Rollout, world: World): Promise<AppFailure | undefined> {
  if (world.sshSockets === undefined) return undefined;
  const [sockets, limit] = await Promise.all([world.sshSockets(), localAdapters.openFileLimit()]);
  return openFilesProblem(rollout.environment, openFileNeeds(rollout, sockets), limit);
}

export function openFileNeeds(rollout: Rollout, sshSockets: number): OpenFileNeeds {
  return {
    ssh: sshSockets,
    loadBalancers: Object.values(rollout.loadBalancers).reduce((sum, lb) => sum + lb.maxConnections, 0),
    healthChecks: rollout.strategy.concurrency,
  };
}

export const openFilesNeeded = (needs: OpenFileNeeds): number =>
  OWN_FILES + needs.ssh + needs.loadBalancers + needs.healthChecks;

/** Undefined when the run fits (or the limit cannot be read); else why not and what to change. */
export function openFilesProblem(
  environment: string,
  needs: OpenFileNeeds,
  limit: OpenFileLimit | undefined,
): AppFailure | undefined {
  const needed = openFilesNeeded(needs);
  if (limit === undefined || needed <= limit.soft) return undefined;
  // Node raises its soft limit to the hard one as it starts: the hard limit is what must go up.
  const raise = `raise the limit: ulimit -n ${needed} in the shell that runs lieutenant (above the hard limit, as root: nofile in /etc/security/limits.conf, or LimitNOFILE= for a systemd service)`;
  return badInput(
    `${environment} needs about ${needed} open files but this process may open ${limit.soft} (ulimit -n); nothing was changed on any host`,
    [
      `${needs.ssh} SSH connection${needs.ssh === 1 ? '' : 's'}, kept open for the run (one per host, or one per jump host for the hosts behind it)`,
      `${needs.loadBalancers} load-balancer connection${needs.loadBalancers === 1 ? '' : 's'} (maxConnections), ${needs.healthChecks} health check${needs.healthChecks === 1 ? '' : 's'} in flight (concurrency), ${OWN_FILES} for Lieutenant itself`,
      raise,
      'or reach the hosts through a jump host (ProxyJump in ~/.ssh/config): the hosts behind one share its connection',
    ],
  );
}
