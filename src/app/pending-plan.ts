/**
 * What a pending commit would change, for manual sync's record and `status`:
 * the plan `run` would execute at that commit against the live fleet
 * (planService: read-only, preflight included), kept to hosts, versions and
 * the number of batches.
 */
import type { Result } from '../core/result.js';
import { ok } from '../core/result.js';
import type { PendingRecord, PendingRolloutPlan } from '../records/sync/sync-refs.js';
import { shortSha } from '../core/sha.js';
import { sendSyncPending } from './notifications.js';
import { loadSpec } from './plan-service.js';
import type { Plan } from '../plan/types.js';
import type { AppFailure } from './failure.js';
import { planService } from './plan-service.js';

export async function pendingPlan(
  repoDir: string,
  request: { rollout: string; rev: string; deployed?: string },
  signal: AbortSignal,
): Promise<Result<PendingRolloutPlan, AppFailure>> {
  const planned = await planService({ repoDir, playbook: request.rollout, rev: request.rev, signal });
  if (!planned.ok) return planned;
  return ok(summarisePlan(planned.value.plan, request.deployed));
}

export function summarisePlan(plan: Plan, deployed?: string): PendingRolloutPlan {
  const hosts = plan.groups.flatMap((group) =>
    group.hosts
      .filter((host) => !host.converged)
      .map((host) => ({
        host: host.name,
        group: group.name,
        changes: host.changes
          .filter((change) => change.kind !== 'unchanged')
          .map(({ name, from, to }) => ({ name, from, to })),
      })),
  );
  return {
    rollout: plan.rollout,
    ...(deployed !== undefined ? { deployed } : {}),
    hosts,
    batches: plan.batches.length,
  };
}

/**
 * The inventory's webhooks that ask for `sync.pending` (read at the pending
 * commit, through its first rollout), told once per pending commit.
 */
export async function announcePending(repoDir: string, pending: PendingRecord): Promise<string[]> {
  const first = pending.rollouts[0];
  if (first === undefined) return [];
  const loaded = await loadSpec({ repoDir, playbook: first.rollout, rev: pending.commit });
  if (!loaded.ok) return [];
  const hosts = pending.hostsToChange === null ? 'hosts to change unknown' : `${pending.hostsToChange} hosts to change`;
  return sendSyncPending(
    loaded.value.rollout.notifications,
    {
      type: 'sync.pending',
      text: `${pending.environment} is out of sync: ${shortSha(pending.commit)} "${pending.subject}" pending, ${hosts}; apply it with: lieutenant sync ${pending.environment}`,
      environment: pending.environment,
      commit: { sha: pending.commit, subject: pending.subject },
      at: pending.since,
      hostsToChange: pending.hostsToChange,
      rollouts: pending.rollouts.map((r) => r.rollout),
      ...(pending.supersedes ? { supersedes: pending.supersedes.commit } : {}),
    },
    { env: process.env },
  );
}
