/**
 * `lieutenant run` and `lieutenant resume`: the whole life of a run around
 * the engine.
 *
 *   load spec at REV → which run is this (new, finishing an interrupted one, superseding)
 *   → open the session (lock, read the fleet, plan once, journal + log + control)
 *   → executePlan → close it (note in Git, push, unlock)
 *
 * The caller (the CLI) brings the views: event listeners (TUI, lines, --json)
 * and interactive approvers (the TUI's keys). Results are values.
 */
import type { RunOutcome } from '../engine/index.js';
import { executePlan } from '../engine/index.js';
import { ok, type Result } from '../core/result.js';
import type { Rollout } from '../spec/model.js';
import type { AppFailure } from './failure.js';
import { findInterrupted } from './interrupted-runs.js';
import { chooseRun } from './plan-against-fleet.js';
import type { ResumePoint } from './interrupted.js';
import { loadSpec } from './plan-service.js';
import {
  closeRunSession,
  newContinuation,
  openRunSession,
  type Continuation,
  type RunViews,
  type SessionViews,
} from './run-session.js';
import { loadAdapters } from './world.js';
import { freezeBeforeRun, type FreezeOptions } from './freeze/before-run.js';
import { describeAllowance } from './freeze/guard.js';
import { operatorName } from '../control/index.js';
import { ExitCode } from '../core/exit-codes.js';
import { DEFAULT_LEASE_MS } from '../records/lock/remote-lock.js';
import { LOCAL_ONLY, localOnlyWarning, lockRemoteOf, takeSharedLock } from './shared-run.js';
import { fetchDeployState } from '../records/deploy/fetch-deploy-state.js';
import { describeIgnored } from '../records/trust/ignored.js';

export type { RunViews } from './run-session.js';

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
  /** Freeze windows: `--override-freeze --reason`, and whether this run is a rollback (`revert --run`). */
  freeze?: FreezeOptions;
  /**
   * Asked once the environment's lock is held, before a new run starts:
   * why it is no longer wanted (`watch`: another watcher deployed the commit
   * meanwhile), or undefined. Not asked when an interrupted run is finished.
   */
  stillWanted?: (rollout: Rollout) => Promise<string | undefined>;
}

export interface RunDone {
  runId: string;
  outcome: RunOutcome;
  /** Set when this command finished an interrupted run. */
  resumed?: ResumePoint;
}

export async function runService(request: RunRequest): Promise<Result<RunDone, AppFailure>> {
  const adapters = loadAdapters(); // while git reads the spec
  const loaded = await loadSpec(request);
  if (!loaded.ok) return loaded;
  const { rollout, warnings } = loaded.value;
  warnings.forEach(request.onWarning);
  const frozen = await freezeBeforeRun(request.repoDir, rollout, request.freeze);
  if (!frozen.ok) return frozen;
  if (frozen.value) request.onWarning(describeAllowance(frozen.value));
  const views = {
    ...request,
    adapters,
    planOptions: { skipPauses: request.skipPauses ?? false },
    ...(frozen.value ? { freezeAllowance: frozen.value } : {}),
  };

  const remote = await lockRemoteOf(request.repoDir, request.coordination?.remote);
  if (!remote.ok) return remote;
  if (remote.value === undefined) {
    if (request.coordination?.remote === LOCAL_ONLY) request.onWarning(localOnlyWarning(rollout.environment));
    return decideRun(request, views, rollout, newContinuation(rollout));
  }

  // The lock on the remote first: interrupted runs are read under it, a stranded one brought in from there.
  const fresh = newContinuation(rollout);
  const operator = await operatorName(request.repoDir);
  const lock = await takeSharedLock(
    request.repoDir,
    remote.value,
    rollout.environment,
    { runId: fresh.runId, rollout: rollout.rollout, operator },
    { leaseMs: request.coordination?.leaseMs ?? DEFAULT_LEASE_MS, onWarning: request.onWarning },
  );
  if (!lock.ok) return lock;
  try {
    return await decideRun(request, { ...views, shared: { lock: lock.value, remote: remote.value } }, rollout, fresh);
  } finally {
    await lock.value.release();
  }
}

/** New, finishing an interrupted run of this commit, superseding others (`revert --run`), or refused. */
async function decideRun(
  request: RunRequest,
  views: SessionViews,
  rollout: Rollout,
  fresh: Continuation,
): Promise<Result<RunDone, AppFailure>> {
  // What other clones finished (a run of ours taken over after we were killed) is in the notes on the remote.
  if (views.shared) {
    const fetched = await fetchDeployState(request.repoDir, views.shared.remote);
    if (fetched.ok) fetched.value.map(describeIgnored).forEach(request.onWarning);
  }
  const found = await findInterrupted(request.repoDir);
  if (!found.ok) return found;
  found.value.warnings.forEach(request.onWarning);
  const choice = chooseRun(found.value.points, rollout, request.supersede);
  if (!choice.ok) return choice;
  if (choice.value.kind === 'finish') {
    request.onWarning(choice.value.notice);
    return conductRun(views, rollout, { runId: choice.value.point.runId, point: choice.value.point });
  }
  if (choice.value.kind === 'supersede') {
    choice.value.notices.forEach(request.onWarning);
    return conductRun(views, rollout, { runId: fresh.runId, supersedes: choice.value.points });
  }
  const unwanted = await request.stillWanted?.(rollout);
  if (unwanted !== undefined) return { ok: false, error: { exitCode: ExitCode.done, message: unwanted, details: [] } };
  return conductRun(views, rollout, fresh);
}

/** Opens the run's session, executes its plan, closes it. */
export async function conductRun(
  views: SessionViews,
  rollout: Rollout,
  continuation: Continuation,
): Promise<Result<RunDone, AppFailure>> {
  // The shared lock names the run it guards: the one this turned out to be.
  await views.shared?.lock.assign({ runId: continuation.runId, rollout: rollout.rollout });
  const session = await openRunSession(views, rollout, continuation);
  if (!session.ok) return session;
  try {
    const outcome = await executePlan(session.value.plan, session.value.deps, session.value.control);
    await closeRunSession(views, session.value, outcome);
    const { runId, point } = continuation;
    return ok(point ? { runId, outcome, resumed: point } : { runId, outcome });
  } finally {
    await session.value.close();
  }
}
