/**
 * Approvers that combine or replace others: `firstAnswer` races the TUI's keys
 * against the control channel (whichever answers first wins, the others are
 * told to stop), and `autoApprover` is `--yes` (it approves pause gates only;
 * health gates are never the approver's to skip, nor an inconclusive analysis).
 */
import type { Approver, GateAnswer } from '../engine/index.js';

export function firstAnswer(approvers: readonly Approver[]): Approver {
  return {
    async await(request, signal) {
      const losers = new AbortController();
      const each = AbortSignal.any([signal, losers.signal]);
      try {
        return await Promise.any(approvers.map((approver) => approver.await(request, each)));
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        throw error instanceof AggregateError ? (error.errors[0] ?? error) : error;
      } finally {
        losers.abort(new Error('the gate was answered elsewhere'));
      }
    },
  };
}

/**
 * `--yes`: approves pause gates at once. A gate of kind `analysis` (metrics
 * that could not tell) is a person's to answer: it refuses, so that with the
 * other approvers raced by `firstAnswer` the TUI or `lieutenant approve` answers.
 */
export function autoApprover(by: string): Approver {
  return {
    await(request, signal): Promise<GateAnswer> {
      signal.throwIfAborted();
      if (request.kind === 'analysis')
        return Promise.reject(new Error('--yes does not answer an inconclusive analysis: a person must'));
      // The environment's approval rules want people (several, named, or signed): --yes stands aside.
      if (request.automatic === false)
        return Promise.reject(
          new Error("--yes does not answer this gate: the environment's approval rules want people"),
        );
      return Promise.resolve({ decision: 'approve', by, reason: 'approved automatically (--yes)', proof: 'auto' });
    },
  };
}
