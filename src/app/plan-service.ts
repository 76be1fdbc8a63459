/**
 * `lieutenant plan`: load the committed spec, read the fleet over SSH and the
 * load balancers, and compute the plan `run` would execute. Changes nothing.
 */
import { observeFleet, type Observation } from '../engine/index.js';
import { ok, type Result } from '../core/result.js';
import { planRollout } from '../plan/planner.js';
import type { Plan } from '../plan/types.js';
import type { Rollout } from '../spec/model.js';
import { loadRollout } from '../spec/repo.js';
import { badInput, specFailure, type AppFailure } from './failure.js';
import { connectWorld, loadAdapters, type World } from './world.js';

export interface PlanRequest {
  repoDir: string;
  playbook: string;
  rev?: string;
  signal: AbortSignal;
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

/** Reads the fleet through `world` (connections stay open for the run) and plans. */
export async function observeAndPlan(
  rollout: Rollout,
  world: World,
  signal: AbortSignal,
): Promise<Result<Planned, AppFailure>> {
  const observation = await observeFleet(rollout, world, signal);
  if (observation.problems.length > 0) {
    return {
      ok: false,
      error: badInput(
        `cannot read the fleet of ${rollout.environment}; nothing was changed on any host`,
        observation.problems,
      ),
    };
  }
  return ok({ plan: planRollout(rollout, observation.facts), observation });
}

export async function planService(
  request: PlanRequest,
): Promise<Result<Planned & { rollout: Rollout; warnings: string[] }, AppFailure>> {
  void loadAdapters(); // while git reads the spec
  const loaded = await loadSpec(request);
  if (!loaded.ok) return loaded;
  const world = await connectWorld(loaded.value.rollout);
  try {
    const planned = await observeAndPlan(loaded.value.rollout, world, request.signal);
    return planned.ok ? ok({ ...planned.value, ...loaded.value }) : planned;
  } finally {
    await world.shells.closeAll();
  }
}
