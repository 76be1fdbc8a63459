/**
 * The pause gate between batches: wait for an approval (TUI key, `--yes`,
 * `lieutenant approve`), or for a duration — which an approval or an abort
 * may also cut short.
 */
import { DEFAULT_APPROVAL_RULES, judgeAnswer, stillNeeded } from '../core/approvals.js';
import type { BatchPlan } from '../plan/types.js';
import type { AnalysisOutcome } from './analysis.js';
import type { GateAnswer, GateRequest } from './ports.js';
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
    await env.emit({
      type: 'gate.waiting',
      afterBatch: batch.index,
      batches,
      pause: 'approve',
      summary,
      ...required(env),
    });
    answer = await raceAbort(judgedAnswer(request, env, stopWaiting), stopWaiting);
  } else {
    const until = env.deps.clock.now() + pause.ms;
    await env.emit({ type: 'gate.waiting', afterBatch: batch.index, batches, pause: 'timed', until, summary });
    const timer = env.deps.clock
      .sleep(pause.ms, stopWaiting)
      .then(() => (env.control.stop.aborted ? undefined : { decision: 'approve' as const, by: 'timer' }));
    answer = await raceAbort(Promise.race([timer, judgedAnswer(request, env, stopWaiting)]), stopWaiting);
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
    ...required(env),
  });
  const answer = await raceAbort(judgedAnswer(request, env, stopWaiting), stopWaiting);
  waiting.abort();
  return settle(answer, env);
}

/** An answer that decided a gate, with every approver when it took more than one. */
type JudgedAnswer = GateAnswer & { approvedBy?: string[] };

const rulesOf = (env: RunEnv) => env.plan.approvals ?? DEFAULT_APPROVAL_RULES;
const required = (env: RunEnv) => (rulesOf(env).required > 1 ? { required: rulesOf(env).required } : {});

/**
 * Asks the approvers until the environment's approval rules are met: an
 * answer they refuse is journaled and the gate waits on; an approval that
 * still leaves some to give is counted. An abort or a halt decides at once.
 */
async function judgedAnswer(request: GateRequest, env: RunEnv, signal: AbortSignal): Promise<JudgedAnswer> {
  const rules = rulesOf(env);
  const author = env.plan.commit.author;
  let approvedBy: string[] = [];
  for (;;) {
    const tally = { ...(author === undefined ? {} : { author }), approvedBy };
    const yes = judgeAnswer(rules, tally, { decision: 'approve', by: '--yes', proof: 'auto' });
    const answer = await env.deps.approver.await(
      {
        ...request,
        approvedBy,
        stillNeeded: stillNeeded(rules, tally),
        automatic: request.kind === 'pause' && yes.verdict !== 'refused',
      },
      signal,
    );
    const judged = judgeAnswer(rules, tally, answer);
    const who = answerWho(answer);
    if (judged.verdict === 'refused') {
      const { rule, message } = judged;
      await env.emit({
        type: 'gate.refused',
        decision: answer.decision,
        rule,
        message,
        stillNeeded: judged.stillNeeded,
        ...who,
      });
    } else if (judged.verdict === 'counted') {
      approvedBy = judged.approvedBy;
      await env.emit({ type: 'gate.approval', stillNeeded: judged.stillNeeded, ...who });
    } else {
      return judged.approvedBy.length > 1 ? { ...answer, approvedBy: judged.approvedBy } : answer;
    }
  }
}

/** The fields of an answer the journal keeps (a signature's problem is in the refusal's message). */
export function answerWho(answer: GateAnswer) {
  const { by, reason, identity, from, proof } = answer;
  return {
    by,
    ...(reason === undefined || reason === '' ? {} : { reason }),
    ...(identity === undefined || identity === by ? {} : { identity }),
    ...(from === undefined ? {} : { from }),
    ...(proof === undefined ? {} : { proof }),
  };
}

async function settle(
  given: JudgedAnswer | { failure: string } | undefined,
  env: RunEnv,
): Promise<GateAnswer | 'stopped' | { failure: string }> {
  // `lieutenant abort` through the run's abort signal answers the gate as an abort.
  const answer = env.control.abort?.aborted && !env.control.stop.aborted ? abortAnswer(env.control.abort) : given;
  if (!answer || env.control.stop.aborted) return 'stopped';
  if ('failure' in answer) {
    await env.emit({ type: 'log', level: 'error', message: `the gate could not be answered: ${answer.failure}` });
    return answer;
  }
  const { approvedBy } = answer as JudgedAnswer;
  await env.emit({
    type: 'gate.answered',
    decision: answer.decision,
    ...answerWho(answer),
    ...(approvedBy ? { approvedBy } : {}),
  });
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
