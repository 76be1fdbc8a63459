/**
 * How a run ends early — the one place that turns what happened into the
 * run's result and message: a host failed, the batch failed its analysis,
 * an operator aborted or halted at a gate (or aborted mid-batch), a gate
 * could not be answered, a stop was asked (Ctrl-C, SIGTERM, a lost lock's
 * lease), or the steps in flight were abandoned.
 *
 * A rollback happens here and only here: on an abort, and on a failure when
 * the strategy says `onFailure: rollback`. Its bookkeeping has one rule: a
 * host leaves `changed` exactly when its own rollback put it back. A host
 * whose rollback failed stays in `changed` — nothing says it is on its old
 * versions — and out of rotation, named in the message and in `hostsOut`.
 */
import type { BatchPlan } from '../plan/types.js';
import { rollBackBatch, type BatchResult } from './batch.js';
import type { RunResult } from './events.js';
import type { RunEnv } from './run-env.js';

export type RunEnding =
  | { kind: 'host-failed'; batch: BatchPlan; result: BatchResult }
  | { kind: 'analysis-failed'; batch: BatchPlan; result: BatchResult; why: string }
  | { kind: 'aborted'; batch: BatchPlan; result: BatchResult; by: string; during: boolean }
  | { kind: 'halted-at-gate'; batch: BatchPlan; by: string }
  | { kind: 'unanswered'; batch: BatchPlan; gate: string; failure: string }
  | { kind: 'stopped'; message: string }
  | { kind: 'forced'; batch: BatchPlan };

export interface RunEnd {
  result: RunResult;
  message: string;
}

/** The run's result for `ending`, after the rollback it calls for; a batch cut short is journaled as not ok. */
export async function endRun(ending: RunEnding, env: RunEnv): Promise<RunEnd> {
  const end = await decide(ending, env);
  const cutShort =
    ending.kind === 'host-failed' || ending.kind === 'forced' || (ending.kind === 'aborted' && ending.during);
  if (cutShort) {
    const { batch } = ending;
    await env.emit({ type: 'batch.finished', batch: batch.index, batches: env.plan.batches.length, ok: false });
  }
  return end;
}

async function decide(ending: RunEnding, env: RunEnv): Promise<RunEnd> {
  switch (ending.kind) {
    case 'stopped':
      return { result: 'aborted', message: ending.message };
    case 'forced':
      return {
        result: 'aborted',
        message: 'forced stop: steps in flight were abandoned; run `lieutenant resume` to bring hosts back',
      };
    case 'halted-at-gate':
      return { result: 'aborted', message: `halted by ${ending.by} after batch ${ending.batch.index}` };
    case 'unanswered':
      return {
        result: 'halted',
        message: `${ending.gate} after batch ${ending.batch.index} could not be answered: ${ending.failure}`,
      };
    case 'aborted': {
      const { batch, by, during } = ending;
      const what = `aborted by ${by} ${during ? 'during' : 'after'} batch ${batch.index}`;
      return { result: 'aborted', message: await rollBack(ending, env, what, `batch ${batch.index} rolled back`) };
    }
    case 'host-failed':
    case 'analysis-failed': {
      const what =
        ending.kind === 'host-failed'
          ? `batch ${ending.batch.index} failed on ${[...env.failures.keys()].join(', ')}`
          : ending.why;
      if (env.plan.strategy.onFailure === 'rollback') {
        const back = 'its hosts are back on their previous versions and in rotation';
        return { result: 'rolled-back', message: await rollBack(ending, env, what, back) };
      }
      return {
        result: 'halted',
        message:
          ending.kind === 'host-failed'
            ? `halted: ${describeOut(env)}`
            : `halted: ${what}; its hosts stay on the new versions, in rotation`,
      };
    }
  }
}

/** Rolls the batch back; `changed` keeps only the hosts not put back. */
async function rollBack(
  { batch, result }: { batch: BatchPlan; result: BatchResult },
  env: RunEnv,
  what: string,
  done: string,
): Promise<string> {
  const rolled = await rollBackBatch(batch, result, env);
  for (const host of rolled.restored) {
    const at = env.changed.indexOf(host);
    if (at >= 0) env.changed.splice(at, 1);
  }
  return rolled.complete ? `${what}; ${done}` : `${what}; the rollback did not complete: ${describeOut(env)}`;
}

export function describeOut(env: RunEnv): string {
  return [...env.failures.entries()].map(([host, reason]) => `${host} is out of rotation (${reason})`).join('; ');
}
