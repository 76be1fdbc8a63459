/**
 * A batch: its hosts through the pipeline, as many at once as the plan says
 * (`inFlight`), each
 * holding an availability slot while out of rotation. The first failure stops
 * new hosts from starting; hosts in flight finish.
 */
import pLimit from 'p-limit';
import type { BatchPlan, HostPlan } from '../plan/types.js';
import { moveHost, type HostOutcome } from './host-pipeline.js';
import { hostOf, wantedVersions, type RunEnv } from './run-env.js';
import type { Versions } from './ports.js';

export interface BatchResult {
  outcomes: Map<string, HostOutcome>;
  /** A host failed, or could not start for a reason other than the run stopping. */
  failed: boolean;
}

export async function runBatch(batch: BatchPlan, env: RunEnv): Promise<BatchResult> {
  const failure = new AbortController();
  const stopStarting = AbortSignal.any([
    env.control.stop,
    failure.signal,
    ...(env.control.abort ? [env.control.abort] : []),
  ]);
  // inFlight is 0 when hosts already out use up the cap: one at a time, and the guard says why none can start.
  const limit = pLimit(Math.max(1, batch.inFlight));
  const outcomes = new Map<string, HostOutcome>();
  await settleAll(
    batch.hosts.map((name) =>
      limit(async () => {
        const host = hostOf(env, name);
        if (stopStarting.aborted) {
          outcomes.set(name, { kind: 'not-started', reason: 'run stopping' });
          return;
        }
        const outcome = await moveHost(env, host, wantedVersions(host), stopStarting);
        outcomes.set(name, outcome);
        if (outcome.kind === 'failed' || outcome.kind === 'blocked') {
          env.failures.set(name, outcome.kind === 'failed' ? `${outcome.step}: ${outcome.reason}` : outcome.reason);
          failure.abort();
        }
        if (outcome.kind === 'blocked')
          await env.emit({
            type: 'log',
            level: 'error',
            message: `${name} could not leave rotation: ${outcome.reason}`,
          });
        if (outcome.kind === 'done') await env.emit({ type: 'host.done', host: name, changed: outcome.changed });
      }),
    ),
  );
  return { outcomes, failed: [...outcomes.values()].some((o) => o.kind === 'failed' || o.kind === 'blocked') };
}

export interface RolledBack {
  /** Every host the batch had touched is back. */
  complete: boolean;
  /** The hosts put back on their old versions, health-gated and in rotation. */
  restored: string[];
}

/**
 * Puts the batch's hosts back on the versions they had, health-gated and in
 * rotation: failed hosts first (they are already out and hold slots), then
 * the ones that had finished. Only a forced stop interrupts it.
 */
export async function rollBackBatch(batch: BatchPlan, result: BatchResult, env: RunEnv): Promise<RolledBack> {
  const limit = pLimit(env.plan.strategy.concurrency);
  const touched = batch.hosts
    .map((name) => ({ name, outcome: result.outcomes.get(name) }))
    .filter((entry) => entry.outcome?.kind === 'failed' || (entry.outcome?.kind === 'done' && entry.outcome.changed))
    .sort((a, b) => Number(b.outcome?.kind === 'failed') - Number(a.outcome?.kind === 'failed'));
  const results = await settleAll(
    touched.map(({ name, outcome }) =>
      limit(async () => {
        const host = hostOf(env, name);
        const to = rollbackTarget(host, outcome && 'before' in outcome ? outcome.before : undefined);
        await env.emit({ type: 'host.rollback.started', host: name, to });
        const rolled = await moveHost(env, host, to, env.control.force, true);
        if (rolled.kind === 'done') {
          env.failures.delete(name);
          await env.emit({ type: 'host.rollback.finished', host: name, ok: true });
          return name;
        }
        const reason = rolled.kind === 'failed' ? `${rolled.step}: ${rolled.reason}` : rolled.reason;
        env.failures.set(name, `rollback ${reason}`);
        await env.emit({ type: 'host.rollback.finished', host: name, ok: false, reason });
        return undefined;
      }),
    ),
  );
  const restored = results.filter((name): name is string => name !== undefined);
  return { complete: restored.length === results.length, restored };
}

/**
 * A batch an interrupted run finished before it stopped at its gate: each
 * host done, changed from the versions its journal recorded. A host without
 * that record is not rolled back (nothing says what it had).
 */
export function finishedBatch(batch: BatchPlan, env: RunEnv): BatchResult {
  const outcomes = new Map<string, HostOutcome>();
  for (const name of batch.hosts) {
    const { before } = hostOf(env, name);
    outcomes.set(name, { kind: 'done', changed: before !== undefined, before: before ?? {} });
  }
  return { outcomes, failed: false };
}

/**
 * The versions to roll a host back to: what it had before this run touched it
 * (read on the host), else what the plan saw. A package the release newly
 * installed (null before) is removed again.
 */
export function rollbackTarget(host: HostPlan, before: Versions | undefined): Versions {
  return before ?? Object.fromEntries(host.changes.map((change) => [change.name, change.from]));
}

/**
 * Like Promise.all, but a bug in one host's work (a thrown exception) is
 * rethrown only once every other host has finished its step: no host is left
 * draining or upgrading while the run unwinds and closes its connections.
 */
async function settleAll<T>(work: Array<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const broken = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (broken) throw broken.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
