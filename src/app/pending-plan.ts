/**
 * What a pending commit would change, for manual sync's record and `status`:
 * the plan `run` would execute at that commit against the live fleet
 * (planService: read-only, preflight included), kept to hosts, versions and
 * the number of batches.
 */
import type { Result } from '../core/result.js';
import { ok } from '../core/result.js';
import type { PendingRolloutPlan } from '../gitops/sync-refs.js';
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
