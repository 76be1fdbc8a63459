import { describe, expect, it } from 'vitest';
import type { Approver, GateAnswer, GateRequest } from '../engine/index.js';
import { autoApprover, firstAnswer } from './approvers.js';

const request: GateRequest = { runId: 'run-1', afterBatch: 1, batches: 2, summary: 'Batch 1/2 done', kind: 'pause' };

/** An approver answered by hand, that records whether it was told to stop. */
function manual() {
  let answer: ((value: GateAnswer) => void) | undefined;
  const seen: { signal?: AbortSignal } = {};
  const approver: Approver = {
    await(_request, signal) {
      seen.signal = signal;
      return new Promise((resolve, reject) => {
        answer = resolve;
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
  };
  return { approver, answer: (value: GateAnswer) => answer?.(value), seen };
}

describe('approvers', () => {
  it('given two sources, when one answers, then its answer wins and the other is told to stop', async () => {
    const keys = manual();
    const channel = manual();
    const pending = firstAnswer([keys.approver, channel.approver]).await(request, new AbortController().signal);
    channel.answer({ decision: 'abort', by: 'bob' });
    await expect(pending).resolves.toEqual({ decision: 'abort', by: 'bob' });
    expect(keys.seen.signal?.aborted).toBe(true);
  });

  it('given two sources, when the run stops waiting, then both stop and the race rejects with the reason', async () => {
    const keys = manual();
    const channel = manual();
    const controller = new AbortController();
    const pending = firstAnswer([keys.approver, channel.approver]).await(request, controller.signal);
    controller.abort(new Error('run stopping'));
    await expect(pending).rejects.toThrow('run stopping');
    expect(channel.seen.signal?.aborted).toBe(true);
  });

  it('given --yes, when a gate waits, then it is approved at once, saying so', async () => {
    await expect(autoApprover('alice').await(request, new AbortController().signal)).resolves.toEqual({
      decision: 'approve',
      by: 'alice',
      reason: 'approved automatically (--yes)',
      proof: 'auto',
    });
  });

  it('given --yes and a gate whose rules want people (several, named or signed), when it waits, then --yes stands aside', async () => {
    await expect(
      autoApprover('alice').await({ ...request, automatic: false }, new AbortController().signal),
    ).rejects.toThrow("--yes does not answer this gate: the environment's approval rules want people");
  });

  it('given --yes and an inconclusive analysis, when its gate waits, then --yes refuses and a person’s answer is the one taken', async () => {
    const analysisGate: GateRequest = { ...request, kind: 'analysis' };
    await expect(autoApprover('alice').await(analysisGate, new AbortController().signal)).rejects.toThrow(
      '--yes does not answer an inconclusive analysis',
    );
    const channel = manual();
    const pending = firstAnswer([autoApprover('alice'), channel.approver]).await(
      analysisGate,
      new AbortController().signal,
    );
    let settled = false;
    void pending.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    channel.answer({ decision: 'approve', by: 'bob', reason: 'graphs fine' });
    await expect(pending).resolves.toEqual({ decision: 'approve', by: 'bob', reason: 'graphs fine' });
  });
});
