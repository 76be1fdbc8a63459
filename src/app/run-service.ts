/**
 * `lieutenant run` and `lieutenant resume`: the whole life of a run around
 * the engine.
 *
 *   load spec at REV → lock the environment → read the fleet → plan
 *   → journal + log + control channel → executePlan → note in Git → unlock
 *
 * The caller (the CLI) brings the views: event listeners (TUI, lines, --json)
 * and interactive approvers (the TUI's keys). Results are values.
 */
import { openJournal, journalPath, newRunId } from '../adapters/journal/index.js';
import { systemClock } from '../adapters/clock.js';
import {
  announceGates,
  autoApprover,
  createControlApprover,
  firstAnswer,
  operatorName,
  registerActiveRun,
} from '../control/index.js';
import { executePlan, type RunOutcome } from '../engine/index.js';
import { EXIT_CODE, type RunEvent, type RunEventListener } from '../engine/index.js';
import type { Approver } from '../engine/index.js';
import { ok, type Result } from '../core/result.js';
import { pushDeployState, recordRun } from '../gitops/deployed.js';
import { acquireLock } from '../gitops/lock.js';
import { planRollout } from '../plan/planner.js';
import type { FleetFacts, Plan } from '../plan/types.js';
import type { Rollout } from '../spec/model.js';
import { createRunLogger } from '../ui/log.js';
import { badInput, type AppFailure } from './failure.js';
import { findInterrupted } from './interrupted-runs.js';
import type { ResumePoint } from './interrupted.js';
import { loadSpec, observeAndPlan } from './plan-service.js';
import { runRecordOf } from './run-record.js';
import { ensureStateDir } from './state-dir.js';
import { connectWorld, loadAdapters } from './world.js';
import { prefetchAvailability } from './availability-prefetch.js';

/** How the CLI watches and steers a run. */
export interface RunViews {
  /** Approve pause gates automatically (never skips a health gate). */
  yes: boolean;
  /** Interactive answer sources besides `lieutenant approve` (the TUI). */
  approvers: Approver[];
  listeners: RunEventListener[];
  /** Called once the plan is known, before anything changes (the TUI mounts here). */
  onPlan?: (plan: Plan, runId: string) => void;
  onWarning: (message: string) => void;
  stop: AbortSignal;
  force: AbortSignal;
  pollMs?: number;
  /** Push the run's note and the deployed refs to this remote afterwards (`--push`). */
  pushTo?: string;
}

export interface RunRequest extends RunViews {
  repoDir: string;
  playbook: string;
  rev?: string;
  /** `revert --fast`: no pause gates at all (health gates always hold). */
  skipPauses?: boolean;
  /**
   * `revert --run`: interrupted runs of this rollout at other commits are
   * superseded — this run brings back the hosts they left out, and then closes
   * their journals so that nothing resumes (re-applies) them later.
   */
  supersede?: boolean;
}

export interface RunDone {
  runId: string;
  outcome: RunOutcome;
  /** Set when this command finished an interrupted run. */
  resumed?: ResumePoint;
}

export async function runService(request: RunRequest): Promise<Result<RunDone, AppFailure>> {
  void loadAdapters(); // while git reads the spec
  const loaded = await loadSpec(request);
  if (!loaded.ok) return loaded;
  const { warnings } = loaded.value;
  const rollout = request.skipPauses
    ? { ...loaded.value.rollout, strategy: { ...loaded.value.rollout.strategy, pause: { kind: 'none' as const } } }
    : loaded.value.rollout;
  warnings.forEach(request.onWarning);

  const interrupted = (await findInterrupted(request.repoDir)).filter(
    (p) => p.started.environment === rollout.environment,
  );
  const same = interrupted.find(
    (p) => p.started.rollout === rollout.rollout && p.started.commit.sha === rollout.source.commit.sha,
  );
  if (same) {
    request.onWarning(`run ${same.runId} of this commit was interrupted (${same.lastStep}); finishing it`);
    return conductRun(request, rollout, { runId: same.runId, point: same });
  }
  const others = interrupted.filter((p) => p.started.rollout === rollout.rollout);
  if (request.supersede && others.length > 0 && others.length === interrupted.length) {
    for (const point of others)
      request.onWarning(`run ${point.runId} was interrupted (${point.lastStep}); this run supersedes it`);
    return conductRun(request, rollout, { runId: newRunId(rollout.rollout, new Date()), supersedes: others });
  }
  const first = interrupted[0];
  if (first) {
    return {
      ok: false,
      error: badInput(
        `run ${first.runId} (${first.started.rollout} at ${first.started.commit.sha.slice(0, 7)}) was interrupted (${first.lastStep}) ` +
          `and may have left hosts out of rotation; finish it first: lieutenant resume ${first.runId}`,
      ),
    };
  }
  return conductRun(request, rollout, { runId: newRunId(rollout.rollout, new Date()) });
}

interface Continuation {
  runId: string;
  point?: ResumePoint;
  /** Interrupted runs this one replaces (`revert --run`). */
  supersedes?: ResumePoint[];
}

/** Facts for a resumed run: bring back what it left out; in a rollback, only that batch, to its old versions. */
export function resumeFacts(facts: FleetFacts, point: ResumePoint | undefined): FleetFacts {
  if (!point) return facts;
  if (point.mode === 'forward') return { ...facts, leftOut: point.leftOut };
  return {
    ...facts,
    leftOut: point.leftOut,
    targets: point.rollbackTargets,
    only: [...new Set([...Object.keys(point.rollbackTargets), ...point.leftOut])],
  };
}

export async function conductRun(
  views: RunViews & { repoDir: string },
  rollout: Rollout,
  continuation: Continuation,
): Promise<Result<RunDone, AppFailure>> {
  const { repoDir } = views;
  const { runId, point } = continuation;
  const operator = await operatorName(repoDir);
  await ensureStateDir(repoDir);
  const lock = await acquireLock(repoDir, rollout.environment, { runId, rollout: rollout.rollout, operator });
  if (!lock.ok) return { ok: false, error: { exitCode: 4, message: lock.error.message, details: [] } };
  if (lock.value.warning) views.onWarning(lock.value.warning);

  const world = await connectWorld(rollout);
  const early = prefetchAvailability(rollout, world.shells, world.packageManagers, views.force);
  try {
    const observed = await observeAndPlan(rollout, world, views.force);
    if (!observed.ok) return observed;
    const superseded = continuation.supersedes ?? [];
    const facts = resumeFacts(observed.value.observation.facts, point);
    const leftOut = [...(facts.leftOut ?? []), ...superseded.flatMap((p) => p.leftOut)];
    const plan = planRollout(rollout, leftOut.length > 0 ? { ...facts, leftOut } : facts);
    plan.warnings.forEach(views.onWarning);
    views.onPlan?.(plan, runId);
    if (plan.batches.length > 0) await early.started;

    const journal = await openJournal(journalPath(repoDir, runId));
    const logger = createRunLogger(repoDir, runId);
    const active = await registerActiveRun(repoDir, {
      runId,
      rollout: rollout.rollout,
      environment: rollout.environment,
      operator,
    });
    const events: RunEvent[] = [];
    const approver = views.yes
      ? autoApprover(operator)
      : firstAnswer([...views.approvers, createControlApprover(repoDir, runId)]);
    try {
      const outcome = await executePlan(
        plan,
        rollout,
        { ...world, packageManagers: early.packageManagers, clock: systemClock, journal, approver },
        {
          runId,
          operator,
          stop: views.stop,
          force: views.force,
          pollMs: views.pollMs,
          ...(point
            ? { resumes: point.runId, firstSeq: point.lastSeq + 1, finishesRollback: point.mode === 'rollback' }
            : {}),
          listeners: [
            (event) => events.push(event),
            announceGates(active, views.onWarning),
            logger.listener,
            ...views.listeners,
          ],
        },
      );
      const record = runRecordOf(events);
      if (record) await recordRun(repoDir, record);
      if (outcome.hostsOut.length === 0) await closeSuperseded(repoDir, superseded, runId, systemClock.now());
      if (views.pushTo) {
        const pushed = await pushDeployState(repoDir, views.pushTo);
        if (!pushed.ok)
          views.onWarning(
            `the run is recorded locally but ${pushed.error.message}${pushed.error.detail ? `: ${pushed.error.detail}` : ''}`,
          );
      }
      return ok(point ? { runId, outcome, resumed: point } : { runId, outcome });
    } finally {
      await active.close();
      await logger.close();
      await journal.close();
    }
  } finally {
    await world.shells.closeAll();
    await lock.value.release();
  }
}

/** Ends the journals of runs a revert replaced, once every host is back: nothing will resume them. */
async function closeSuperseded(
  repoDir: string,
  points: readonly ResumePoint[],
  by: string,
  now: number,
): Promise<void> {
  for (const point of points) {
    const journal = await openJournal(journalPath(repoDir, point.runId));
    try {
      await journal.append({
        type: 'run.finished',
        result: 'aborted',
        exitCode: EXIT_CODE.aborted,
        message: `superseded by run ${by}, which brought its hosts back`,
        changed: [],
        hostsOut: [],
        durationMs: now - Date.parse(point.started.at),
        runId: point.runId,
        seq: point.lastSeq + 1,
        at: new Date(now).toISOString(),
      });
    } finally {
      await journal.close();
    }
  }
}
