/**
 * One run the watcher starts, and what it says about it. A run that could
 * not start — the environment's lock held by someone else (exit 4), the
 * fleet unreadable, an interrupted run in the way — is "blocked": reported
 * once per reason and tried again next cycle. A run that ended badly is
 * alerted (`run-failed`).
 */
import { ExitCode } from '../../core/exit-codes.js';
import type { CyclePorts, SaidLines, WatchRunRequest } from './ports.js';
import type { WatchEventBody } from './events.js';
import { sendAlert } from './notify.js';

export type RunAttempt = { kind: 'ran'; runId: string; exitCode: number } | { kind: 'blocked'; exitCode: number };

export async function attemptRun(
  ports: Pick<CyclePorts, 'run' | 'notify'>,
  emit: (event: WatchEventBody) => void,
  state: SaidLines,
  request: WatchRunRequest & { environment: string },
): Promise<RunAttempt> {
  const { rollout, environment, rev, cause, pushTo } = request;
  const blockedPrefix = `blocked:${cause}:${rollout}:`;
  const retrying = [...state.said].some((key) => key.startsWith(blockedPrefix));
  if (!retrying) emit({ type: 'run.requested', rollout, environment, commit: rev, cause });
  const done = await ports.run({ rollout, rev, cause, ...(pushTo !== undefined ? { pushTo } : {}) });
  if (!done.ok) {
    const key = `${blockedPrefix}${done.error.message}`;
    if (!state.said.has(key)) {
      state.said.add(key);
      emit({
        type: 'run.blocked',
        rollout,
        cause,
        exitCode: done.error.exitCode,
        message: done.error.message,
        details: done.error.details,
      });
    }
    return { kind: 'blocked', exitCode: done.error.exitCode };
  }
  // Unblocked: the next blockage is news again.
  for (const key of [...state.said]) if (key.startsWith(blockedPrefix)) state.said.delete(key);
  const { runId, outcome } = done.value;
  emit({ type: 'run.ended', rollout, runId, cause, result: outcome.result, exitCode: outcome.exitCode });
  if (outcome.exitCode !== ExitCode.done) {
    await sendAlert(ports.notify, emit, {
      type: 'run-failed',
      rollout,
      runId,
      commit: rev,
      result: outcome.result,
      cause,
    });
  }
  return { kind: 'ran', runId, exitCode: outcome.exitCode };
}
