/**
 * The pause gate between batches: wait for an approval (TUI key, `--yes`,
 * `lieutenant approve`), or for a duration — which an approval or an abort
 * may also cut short.
 */
import type { BatchPlan } from '../plan/types.js';
import type { AnalysisOutcome } from './analysis.js';
import type { GateAnswer } from './ports.js';
import { abortAnswer } from './deps.js';
import { batchesOf, hostOf, wantedVersions, type RunEnv } from './run-env.js';

/** 'stopped': the operator stopped the run; `failure`: no answer can come (the approver broke). */
export async function pauseGate(batch: BatchPlan, env: RunEnv): Promise<GateAnswer | 'stopped' | { failure: string }> {
  const pause = batch.gate;
  if (pause.kind === 'none') return { decision: 'approve', by: 'strategy' };
  const batches = batchesOf(env, batch);
  const summary = batchSummary(batch, env);
  const request = { runId: env.control.runId, afterBatch: batch.index, batches, summary, kind: 'pause' as const };
  const waiting = new AbortController();
  const stopWaiting = AbortSignal.any([
    env.control.stop,
    waiting.signal,
    ...(env.control.abort ? [env.control.abort] : []),
  ]);
  let answer: GateAnswer | { failure: string } | undefined;
  if (pause.kind === 'approve') {
    await env.emit({ type: 'gate.waiting', afterBatch: batch.index, batches, pause: 'approve', summary });
    answer = await raceAbort(env.deps.approver.await(request, stopWaiting), stopWaiting);
  } else {
    const until = env.deps.clock.now() + pause.ms;
    await env.emit({ type: 'gate.waiting', afterBatch: batch.index, batches, pause: 'timed', until, summary });
    const timer = env.deps.clock
      .sleep(pause.ms, stopWaiting)
      .then(() => (env.control.stop.aborted ? undefined : { decision: 'approve' as const, by: 'timer' }));
    answer = await raceAbort(Promise.race([timer, env.deps.approver.await(request, stopWaiting)]), stopWaiting);
  }
  waiting.abort();
  return settle(answer, env);
}

/**
 * An inconclusive analysis asks a person: the gate shows every measurement
 * and waits without a timer. Its request is of kind `analysis`, which the
 * `--yes` approver refuses to answer; the TUI and `lieutenant approve` /
 * `abort` can.
 */
export async function analysisGate(
  batch: BatchPlan,
  outcome: Pick<AnalysisOutcome, 'reason' | 'metrics'>,
  env: RunEnv,
): Promise<GateAnswer | 'stopped' | { failure: string }> {
  const batches = batchesOf(env, batch);
  const summary = `Batch ${batch.index}/${batches}: analysis inconclusive — ${outcome.reason}`;
  const request = { runId: env.control.runId, afterBatch: batch.index, batches, summary, kind: 'analysis' as const };
  const waiting = new AbortController();
  const stopWaiting = AbortSignal.any([
    env.control.stop,
    waiting.signal,
    ...(env.control.abort ? [env.control.abort] : []),
  ]);
  await env.emit({
    type: 'gate.waiting',
    afterBatch: batch.index,
    batches,
    pause: 'analysis',
    summary,
    analysis: outcome.metrics,
  });
  const answer = await raceAbort(env.deps.approver.await(request, stopWaiting), stopWaiting);
  waiting.abort();
  return settle(answer, env);
}

async function settle(
  given: GateAnswer | { failure: string } | undefined,
  env: RunEnv,
): Promise<GateAnswer | 'stopped' | { failure: string }> {
  // `lieutenant abort` through the run's abort signal answers the gate as an abort.
  const answer = env.control.abort?.aborted && !env.control.stop.aborted ? abortAnswer(env.control.abort) : given;
  if (!answer || env.control.stop.aborted) return 'stopped';
  if ('failure' in answer) {
    await env.emit({ type: 'log', level: 'error', message: `the gate could not be answered: ${answer.failure}` });
    return answer;
  }
  await env.emit({ type: 'gate.answered', ...answer });
  return answer;
}

/** Resolves undefined as soon as `signal` aborts; a broken approver is a `failure`, not an operator's stop. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | { failure: string } | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) =>
        resolve(signal.aborted ? undefined : { failure: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/** "Batch 1/2 done — 3 hosts healthy on demo 1.1" */
export function batchSummary(batch: BatchPlan, env: RunEnv): string {
  const first = batch.hosts[0];
  const versions = first
    ? Object.entries(wantedVersions(hostOf(env, first))).map(([name, version]) => `${name} ${version}`)
    : [];
  const count = batch.hosts.length;
  return `Batch ${batch.index}/${batchesOf(env, batch)} done — ${count} host${count === 1 ? '' : 's'} healthy on ${versions.join(', ')}`;
}
