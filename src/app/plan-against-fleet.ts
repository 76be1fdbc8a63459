/**
 * The one way from a loaded rollout to the plan that runs: which run this
 * is (new, finishing an interrupted one, superseding), then connect → read
 * the fleet (its repositories asked meanwhile) → plan, with what the
 * interrupted run left behind applied before the plan is made. `plan`,
 * `run`, `resume`, `sync` (through `run`) and the watcher's pending plan all
 * come here, so what `plan` prints is what `run` executes.
 */
import { observeFleet, type Observation, type PackageManagers } from '../engine/index.js';
import { ok, type Result } from '../core/result.js';
import { shortSha } from '../core/sha.js';
import { planRollout } from '../plan/planner.js';
import type { CordonNote, FleetFacts, FreezeAllowance, Plan, PlanOptions } from '../plan/types.js';
import { cordonsOf } from './cordon-service.js';
import type { Rollout } from '../spec/model.js';
import { badInput, type AppFailure } from './failure.js';
import type { ResumePoint } from './interrupted.js';
import { checkOpenFiles } from './open-files.js';
import { prefetchRepositoryCheck } from './repository-check.js';
import type { World } from './world.js';

/** What an interrupted run tells the plan: the run it finishes, or the runs it supersedes (`revert --run`). */
export interface InterruptedFacts {
  point?: ResumePoint;
  supersedes?: ResumePoint[];
}

/** Which run a command beside the environment's interrupted runs is. */
export type RunChoice =
  | { kind: 'new' }
  | { kind: 'finish'; point: ResumePoint; notice: string }
  | { kind: 'supersede'; points: ResumePoint[]; notices: string[] };

/**
 * A run of this commit that was interrupted is finished, not started again;
 * `revert --run` (supersede) replaces interrupted runs of the same rollout;
 * any other interrupted run in the environment must be resumed first.
 */
export function chooseRun(
  interrupted: readonly ResumePoint[],
  rollout: Rollout,
  supersede = false,
): Result<RunChoice, AppFailure> {
  const here = interrupted.filter((p) => p.started.environment === rollout.environment);
  const same = here.find(
    (p) => p.started.rollout === rollout.rollout && p.started.commit.sha === rollout.source.commit.sha,
  );
  if (same)
    return ok({
      kind: 'finish',
      point: same,
      notice: `run ${same.runId} of this commit was interrupted (${same.lastStep}); finishing it`,
    });
  const others = here.filter((p) => p.started.rollout === rollout.rollout);
  if (supersede && others.length > 0 && others.length === here.length) {
    const notices = others.map((p) => `run ${p.runId} was interrupted (${p.lastStep}); this run supersedes it`);
    return ok({ kind: 'supersede', points: others, notices });
  }
  const first = here[0];
  if (first === undefined) return ok({ kind: 'new' });
  return {
    ok: false,
    error: badInput(
      `run ${first.runId} (${first.started.rollout} at ${shortSha(first.started.commit.sha)}) was interrupted (${first.lastStep}) ` +
        `and may have left hosts out of rotation; finish it first: lieutenant resume ${first.runId}`,
    ),
  };
}

export function interruptedFactsOf(choice: RunChoice): InterruptedFacts {
  if (choice.kind === 'finish') return { point: choice.point };
  if (choice.kind === 'supersede') return { supersedes: choice.points };
  return {};
}

/** Facts for a resumed run: bring back what it left out; in a rollback, only that batch, to its old versions. */
export function resumeFacts(facts: FleetFacts, interrupted: InterruptedFacts): FleetFacts {
  const { point, supersedes = [] } = interrupted;
  // A host of the batch in flight found out of rotation was taken out by the run (its journal may end before the drain).
  const outNow = new Set(facts.outOfRotation ?? []);
  const inFlightOut = (point?.inFlight ?? []).filter((host) => outNow.has(host));
  const leftOut = [...new Set([...(point?.leftOut ?? []), ...inFlightOut, ...supersedes.flatMap((p) => p.leftOut)])];
  const withLeftOut = {
    ...facts,
    ...(leftOut.length > 0 ? { leftOut } : {}),
    // The journal, not the host as it is now, says what a rollback goes back to.
    ...(point && Object.keys(point.before).length > 0 ? { before: point.before } : {}),
  };
  if (point?.mode !== 'rollback') return withLeftOut;
  return {
    ...withLeftOut,
    targets: point.rollbackTargets,
    only: [...new Set([...Object.keys(point.rollbackTargets), ...point.leftOut])],
  };
}

/** The plan as `run` would make it. A pure step: the same facts always give the same plan. */
export function planWithFacts(
  rollout: Rollout,
  facts: FleetFacts,
  interrupted: InterruptedFacts,
  options: { plan?: PlanOptions; freeze?: FreezeAllowance; cordoned?: Record<string, CordonNote> } = {},
): Plan {
  const withCordons = options.cordoned ? { ...facts, cordoned: options.cordoned } : facts;
  const plan = planRollout(rollout, resumeFacts(withCordons, interrupted), {
    ...options.plan,
    ...(interrupted.point?.mode === 'rollback' ? { purpose: 'rollback' as const } : {}),
  });
  if (options.freeze) plan.freeze = options.freeze;
  return plan;
}

export interface FleetPlan {
  plan: Plan;
  observation: Observation;
  /** The package managers that answer from the early survey: hand these to preflight and the engine. */
  packageManagers: PackageManagers;
  /** Settles once every planned host's repositories have been asked. */
  repositoriesAsked: Promise<void>;
}

/** Connect, read the fleet, plan. The connections stay open (the caller closes `world`). */
export async function planAgainstFleet(
  rollout: Rollout,
  world: World,
  interrupted: InterruptedFacts,
  options: {
    plan?: PlanOptions;
    freeze?: FreezeAllowance;
    signal: AbortSignal;
    /** Where cordons are read (the remote's, fetched first); `include`: `--include-cordoned`. Absent: none. */
    cordons?: { repoDir: string; include?: boolean };
  },
): Promise<Result<FleetPlan, AppFailure>> {
  const tooMany = await checkOpenFiles(rollout, world);
  if (tooMany) return { ok: false, error: tooMany };
  const early = prefetchRepositoryCheck(rollout, world.shells, world.packageManagers, options.signal);
  // Through the surveying managers: reading a host and checking its repositories is one remote command.
  const observed = await observe(rollout, { ...world, packageManagers: early.packageManagers }, options.signal);
  if (!observed.ok) return observed;
  const cordons =
    options.cordons && !options.cordons.include
      ? await cordonsOf(options.cordons.repoDir, rollout, Date.now(), { signal: options.signal })
      : undefined;
  const plan = planWithFacts(rollout, observed.value.facts, interrupted, {
    ...options,
    ...(cordons ? { cordoned: cordons.cordoned } : {}),
  });
  if (cordons?.warning) plan.warnings.push(cordons.warning);
  return ok({
    plan,
    observation: observed.value,
    packageManagers: early.packageManagers,
    repositoriesAsked: plan.batches.length > 0 ? early.started : Promise.resolve(),
  });
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
