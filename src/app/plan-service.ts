/**
 * `lieutenant plan`: load the committed spec, read the fleet over SSH and the
 * load balancers, compute the plan `run` would execute, and ask what `run`'s
 * preflight asks (every planned host reachable, sudo usable, the versions in
 * its repositories) — so it never shows a plan that `run` would refuse.
 * Changes nothing.
 */
import { observeFleet, preflight, type Observation } from '../engine/index.js';
import { ok, type Result } from '../core/result.js';
import { planRollout } from '../plan/planner.js';
import type { Plan } from '../plan/types.js';
import type { Rollout } from '../spec/model.js';
import { loadRollout } from '../spec/repo.js';
import { prefetchRepositoryCheck } from './repository-check.js';
import { badInput, specFailure, type AppFailure } from './failure.js';
import { checkOpenFiles } from './open-files.js';
import { cordonsOf } from './cordon-service.js';
import { loadAdapters, type World } from './world.js';

export interface PlanRequest {
  repoDir: string;
  playbook: string;
  rev?: string;
  signal: AbortSignal;
  /** `--include-cordoned`: plan cordoned hosts like any other. */
  includeCordoned?: boolean;
  onWarning?: (message: string) => void;
}

export interface Planned {
  plan: Plan;
  observation: Observation;
}

export async function loadSpec(
  request: Omit<PlanRequest, 'signal'>,
): Promise<Result<{ rollout: Rollout; warnings: string[] }, AppFailure>> {
  const loaded = await loadRollout(request.repoDir, request.playbook, request.rev);
  return loaded.ok ? loaded : { ok: false, error: specFailure(loaded.error) };
}

/** Reads the fleet through `world` (connections stay open for the run); every problem at once. */
export async function observe(
  rollout: Rollout,
  world: World,
  signal: AbortSignal,
): Promise<Result<Observation, AppFailure>> {
  const observation = await observeFleet(rollout, world, signal);
  if (observation.problems.length === 0) return ok(observation);
  return {
    ok: false,
    error: badInput(
      `cannot read the fleet of ${rollout.environment}; nothing was changed on any host`,
      observation.problems,
    ),
  };
}

export async function planService(
  request: PlanRequest,
): Promise<Result<Planned & { rollout: Rollout; warnings: string[] }, AppFailure>> {
  const adapters = loadAdapters(); // while git reads the spec
  const loaded = await loadSpec(request);
  if (!loaded.ok) return loaded;
  const { rollout } = loaded.value;
  const world = (await adapters).connect(rollout);
  try {
    const tooMany = await checkOpenFiles(rollout, world);
    if (tooMany) return { ok: false, error: tooMany };
    // The repositories are asked while the fleet is read, as `run` does.
    const early = prefetchRepositoryCheck(rollout, world.shells, world.packageManagers, request.signal);
    const observation = await observe(rollout, { ...world, packageManagers: early.packageManagers }, request.signal);
    if (!observation.ok) return observation;
    const cordons = request.includeCordoned
      ? { cordoned: {} }
      : await cordonsOf(request.repoDir, rollout, Date.now(), { signal: request.signal });
    if (cordons.warning) request.onWarning?.(cordons.warning);
    const plan = planRollout(rollout, { ...observation.value.facts, cordoned: cordons.cordoned });
    if (plan.batches.length > 0) await early.started;
    const checked = await preflight(plan, { ...world, packageManagers: early.packageManagers }, request.signal);
    if (checked.problems.length > 0) {
      return {
        ok: false,
        error: badInput('`lieutenant run` would refuse this plan at preflight; nothing was changed', checked.problems),
      };
    }
    return ok({ plan, observation: observation.value, ...loaded.value });
  } finally {
    await world.shells.closeAll();
  }
}
