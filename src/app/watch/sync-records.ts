/**
 * Manual sync's records as the watcher makes them: whether a pending record
 * still stands for the head, a new one (planned against the fleet), the
 * alert that announces it, why a request is refused, and sync-log entries.
 */
import { shortSha } from '../../core/sha.js';
import { changedPlaybooks } from '../../gitops/changes.js';
import { commitSubject, gitAt, isAncestor } from '../../records/git/git.js';
import type { PendingRecord, PendingRolloutPlan, SyncRequest } from '../../records/sync/sync-refs.js';
import type { Alert } from './notify.js';
import type { PendingRollout } from './pending.js';
import type { CycleConfig, CyclePorts } from './ports.js';

/**
 * Whether the pending record still stands for HEAD: the same commit, or an
 * older one whose rollouts HEAD leaves as they were (a push for another
 * environment does not make production's pending commit new again, nor
 * notify twice). Applying it then applies what HEAD asks.
 */
export async function stillPending(
  repoDir: string,
  pending: PendingRecord | undefined,
  head: string,
  wanted: readonly PendingRollout[],
): Promise<boolean> {
  if (pending === undefined) return false;
  // Applying it runs the rollouts it names: they must be the ones the head asks for, even at the head itself.
  const recorded = pending.rollouts.map((r) => r.rollout).sort();
  const asked = wanted.map((w) => w.rollout).sort();
  if (recorded.join('\n') !== asked.join('\n')) return false;
  if (pending.commit === head) return true;
  if (!(await isAncestor(gitAt(repoDir), pending.commit, head))) return false;
  const moved = await changedPlaybooks(repoDir, pending.commit, head);
  return asked.every((rollout) => !moved.includes(rollout));
}

export function refusalOf(request: SyncRequest, pending: PendingRecord | undefined): string | undefined {
  if (pending === undefined)
    return `nothing is pending for ${request.environment}; ${shortSha(request.commit)} is not applied`;
  if (pending.commit !== request.commit)
    return `${shortSha(request.commit)} is no longer pending: ${shortSha(pending.commit)} "${pending.subject}" replaced it; lieutenant sync ${request.environment} applies that one`;
  return undefined;
}

/** The pending record of HEAD for ENV: each rollout's plan against the live fleet (a plan that fails is kept as a problem). */
export async function detect(
  config: CycleConfig,
  ports: CyclePorts,
  head: string,
  environment: string,
  wanted: readonly PendingRollout[],
  since: string,
  older: PendingRecord | undefined,
  signal: AbortSignal,
): Promise<PendingRecord> {
  const rollouts: PendingRolloutPlan[] = [];
  for (const { rollout } of wanted) {
    const planned = await ports.plan({ rollout, rev: head }, signal);
    rollouts.push(
      planned.ok
        ? planned.value
        : { rollout, hosts: [], batches: 0, problem: [planned.error.message, ...planned.error.details].join('; ') },
    );
  }
  const known = rollouts.every((r) => r.problem === undefined);
  return {
    environment,
    commit: head,
    subject: await commitSubject(gitAt(config.repoDir), head),
    since,
    detectedBy: config.sync.watcherId,
    rollouts,
    hostsToChange: known ? new Set(rollouts.flatMap((r) => r.hosts.map((h) => h.host))).size : null,
    ...(older ? { supersedes: { commit: older.commit, subject: older.subject } } : {}),
  };
}

export function outOfSync(pending: PendingRecord): Alert {
  const hosts = pending.hostsToChange === null ? 'hosts to change unknown' : `${pending.hostsToChange} hosts to change`;
  const replaced = pending.supersedes ? ` (replaces ${shortSha(pending.supersedes.commit)})` : '';
  return {
    type: 'out-of-sync',
    environment: pending.environment,
    commit: pending.commit,
    subject: pending.subject,
    since: pending.since,
    hostsToChange: pending.hostsToChange,
    rollouts: pending.rollouts.map((r) => ({
      rollout: r.rollout,
      hosts: r.hosts.map((h) => h.host),
      batches: r.batches,
    })),
    ...(pending.supersedes ? { supersedes: pending.supersedes.commit } : {}),
    text: `${pending.environment} is out of sync: ${shortSha(pending.commit)} "${pending.subject}" pending, ${hosts}${replaced}; apply it with: lieutenant sync ${pending.environment}`,
  };
}

export function entry(
  pending: PendingRecord,
  event: 'detected' | 'superseded' | 'cleared',
  at: string,
  by: string,
  reason?: string,
) {
  return { environment: pending.environment, commit: pending.commit, event, at, by, ...(reason ? { reason } : {}) };
}

export function requestEntry(request: SyncRequest, event: 'applied' | 'refused', at: string) {
  return { environment: request.environment, commit: request.commit, event, at, by: request.by };
}
