/**
 * A batch: its hosts through the pipeline, `concurrency` at a time, each
 * holding an availability slot while out of rotation. The first failure stops
 * new hosts from starting; hosts in flight finish.
 */
import pLimit from 'p-limit';
import type { BatchPlan } from '../plan/types.js';
import { moveHost, previousVersions, type HostOutcome } from './host-pipeline.js';
import { hostContext, hostOf, wantedVersions, type RunEnv } from './run-env.js';
import type { Versions } from './ports.js';

export interface BatchResult {
  outcomes: Map<string, HostOutcome>;
  failed: boolean;
}

export async function runBatch(batch: BatchPlan, env: RunEnv): Promise<BatchResult> {
  const failure = new AbortController();
  const stopStarting = AbortSignal.any([env.control.stop, failure.signal]);
  const limit = pLimit(env.rollout.strategy.concurrency);
  const outcomes = new Map<string, HostOutcome>();
  await Promise.all(
    batch.hosts.map((name) =>
      limit(async () => {
        const host = hostOf(env, name);
        if (stopStarting.aborted) {
          outcomes.set(name, { kind: 'not-started', reason: 'run stopping' });
          return;
        }
        const inRotation = !env.availability.outOfRotation(host.group).includes(name);
        const outcome = await moveHost(hostContext(env, host, stopStarting), wantedVersions(host), inRotation);
        outcomes.set(name, outcome);
        if (outcome.kind === 'failed') {
          env.failures.set(name, `${outcome.step}: ${outcome.reason}`);
          failure.abort();
        } else if (outcome.kind === 'done') {
          await env.emit({ type: 'host.done', host: name, changed: outcome.changed });
        }
      }),
    ),
  );
  return { outcomes, failed: [...outcomes.values()].some((o) => o.kind === 'failed') };
}

/**
 * Puts the batch's hosts back on the versions they had, health-gated and in
 * rotation: failed hosts first (they are already out and hold slots), then
 * the ones that had finished. Only a forced stop interrupts it.
 */
export async function rollBackBatch(batch: BatchPlan, result: BatchResult, env: RunEnv): Promise<boolean> {
  const limit = pLimit(env.rollout.strategy.concurrency);
  const touched = batch.hosts
    .map((name) => ({ name, outcome: result.outcomes.get(name) }))
    .filter((entry) => entry.outcome?.kind === 'failed' || (entry.outcome?.kind === 'done' && entry.outcome.changed))
    .sort((a, b) => Number(b.outcome?.kind === 'failed') - Number(a.outcome?.kind === 'failed'));
  const results = await Promise.all(
    touched.map(({ name, outcome }) =>
      limit(async () => {
        const host = hostOf(env, name);
        const before: Versions =
          outcome && 'before' in outcome && outcome.before
            ? outcome.before
            : Object.fromEntries(host.changes.map((change) => [change.name, change.from]));
        const to = previousVersions(before);
        await env.emit({ type: 'host.rollback.started', host: name, to });
        const inRotation = outcome?.kind === 'done';
        const rolled = await moveHost(hostContext(env, host, env.control.force), to, inRotation);
        if (rolled.kind === 'done') {
          env.failures.delete(name);
          await env.emit({ type: 'host.rollback.finished', host: name, ok: true });
          return true;
        }
        const reason = rolled.kind === 'failed' ? `${rolled.step}: ${rolled.reason}` : rolled.reason;
        if (rolled.kind === 'failed') env.failures.set(name, `rollback ${reason}`);
        await env.emit({ type: 'host.rollback.finished', host: name, ok: false, reason });
        return false;
      }),
    ),
  );
  return results.every(Boolean);
}
