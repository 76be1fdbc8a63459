/**
 * `lieutenant resume [RUN]`: finishes an interrupted run (crash, kill -9,
 * lost SSH) from its journal, at the commit it was applying. Hosts it left
 * out of rotation are health-gated and returned; a rollback in progress is
 * completed; otherwise the rollout goes on. The journal gets the second part.
 */
import { ok, type Result } from '../core/result.js';
import { badInput, type AppFailure } from './failure.js';
import { findInterrupted } from './interrupted-runs.js';
import { loadSpec } from './plan-service.js';
import { conductRun, type RunDone, type RunViews } from './run-service.js';
import { freezeBeforeRun } from './freeze/before-run.js';
import { describeAllowance } from './freeze/guard.js';
import { operatorName } from '../control/index.js';
import { DEFAULT_LEASE_MS } from '../records/lock/remote-lock.js';
import { fetchSharedJournals } from '../records/journal/shared-journal.js';
import type { SessionViews } from './run-session.js';
import { lockRemoteOf, takeSharedLock } from './shared-run.js';

export interface ResumeRequest extends RunViews {
  repoDir: string;
  /** Run id; default: the only interrupted run. */
  run?: string;
  /** `--override-freeze --reason TEXT`. */
  overrideFreeze?: { reason: string };
}

export async function resumeService(request: ResumeRequest): Promise<Result<RunDone, AppFailure>> {
  const remote = await lockRemoteOf(request.repoDir, request.coordination?.remote);
  if (!remote.ok) return remote;
  if (remote.value === undefined) return resumeHere(request);
  // With a shared remote, the run may be stranded on another clone: find its environment, lock it, bring it in.
  const environment = await environmentToResume(request, remote.value);
  if (!environment.ok) return environment;
  if (environment.value === undefined) return resumeHere(request);
  const lock = await takeSharedLock(
    request.repoDir,
    remote.value,
    environment.value,
    { runId: request.run ?? 'resume', rollout: 'resume', operator: await operatorName(request.repoDir) },
    { leaseMs: request.coordination?.leaseMs ?? DEFAULT_LEASE_MS, onWarning: request.onWarning },
  );
  if (!lock.ok) return lock;
  try {
    return await resumeHere({ ...request, shared: { lock: lock.value, remote: remote.value } });
  } finally {
    await lock.value.release();
  }
}

/** The environment of the run to resume, from this checkout's journals and the remote's; undefined when not one. */
async function environmentToResume(
  request: ResumeRequest,
  remote: string,
): Promise<Result<string | undefined, AppFailure>> {
  const [here, shared] = await Promise.all([
    findInterrupted(request.repoDir),
    fetchSharedJournals(request.repoDir, remote),
  ]);
  if (!here.ok) return here;
  if (!shared.ok)
    return { ok: false, error: badInput(shared.error.message, shared.error.detail ? [shared.error.detail] : []) };
  const runs = [
    ...here.value.points.map((p) => ({ runId: p.runId, environment: p.started.environment })),
    ...shared.value.flatMap((j) =>
      j.environment === undefined ? [] : [{ runId: j.runId, environment: j.environment }],
    ),
  ].filter((run) => request.run === undefined || run.runId === request.run);
  const environments = new Set(runs.map((run) => run.environment));
  return ok(environments.size === 1 ? [...environments][0] : undefined);
}

async function resumeHere(request: ResumeRequest & Pick<SessionViews, 'shared'>): Promise<Result<RunDone, AppFailure>> {
  const found = await findInterrupted(request.repoDir);
  if (!found.ok) return found;
  const { points: interrupted, warnings } = found.value;
  const candidates = request.run ? interrupted.filter((p) => p.runId === request.run) : interrupted;
  if (candidates.length === 0) {
    // A run that cannot be resumed is never "nothing to resume": its warnings say what is known of it.
    return {
      ok: false,
      error: badInput(
        request.run
          ? `run ${request.run} is not an interrupted run that can be resumed in ${request.repoDir}`
          : warnings.length > 0
            ? `no interrupted run in ${request.repoDir} can be resumed`
            : `no interrupted run in ${request.repoDir}: nothing to resume`,
        warnings,
      ),
    };
  }
  warnings.forEach(request.onWarning);
  const [point, ...others] = candidates;
  if (!point || others.length > 0) {
    return {
      ok: false,
      error: badInput(
        'several runs were interrupted; name one: lieutenant resume RUN',
        candidates.map((p) => `${p.runId}  ${p.started.rollout} on ${p.started.environment}, stopped at ${p.lastStep}`),
      ),
    };
  }
  const loaded = await loadSpec({
    repoDir: request.repoDir,
    playbook: point.started.rollout,
    rev: point.started.commit.sha,
  });
  if (!loaded.ok) return loaded;
  // Finishing a rollback brings the fleet back: a freeze window lets it through unless it says otherwise.
  const frozen = await freezeBeforeRun(request.repoDir, loaded.value.rollout, {
    rollback: point.mode === 'rollback',
    ...(request.overrideFreeze ? { override: request.overrideFreeze } : {}),
  });
  if (!frozen.ok) return frozen;
  if (frozen.value) request.onWarning(describeAllowance(frozen.value));
  request.onWarning(
    `resuming run ${point.runId} (${point.mode === 'rollback' ? 'finishing its rollback' : 'going on'}; it stopped at ${point.lastStep})`,
  );
  const views = frozen.value ? { ...request, freezeAllowance: frozen.value } : request;
  const done = await conductRun(views, loaded.value.rollout, { runId: point.runId, point });
  return done.ok ? ok(done.value) : done;
}
