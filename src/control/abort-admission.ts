/**
 * An abort sent while the run works on a batch, from this checkout or
 * through the remote: judged by the environment's rules (who may answer,
 * signed when asked) before it stops the run. A refused one is handed to
 * `onRefused`, for the engine to journal.
 */
import { judgeAnswer, type ApprovalRules } from '../core/approvals.js';
import type { GateAnswer, RefusedAnswer } from '../engine/index.js';
import type { AnswerRecord } from '../records/answers/answer-record.js';
import { gateAnswerOf, type Signers } from './answer-identity.js';

/** The answer to abort with, or undefined when the rules refuse it. */
export type AdmitAbort = (record: AnswerRecord) => Promise<GateAnswer | undefined>;

export interface AbortRules {
  rules: ApprovalRules;
  signers?: Signers;
}

export function admitAborts({ rules, signers }: AbortRules, onRefused: (refusal: RefusedAnswer) => void): AdmitAbort {
  return async (record) => {
    const answer = await gateAnswerOf(record, signers);
    const judged = judgeAnswer(rules, { approvedBy: [] }, answer);
    if (judged.verdict !== 'refused') return answer;
    onRefused({ answer, rule: judged.rule, message: judged.message });
    return undefined;
  };
}

/** Listeners of refused answers, subscribed by the engine (RunControl.refusals). */
export function refusalFeed() {
  const listeners = new Set<(refusal: RefusedAnswer) => void>();
  return {
    subscribe: (listener: (refusal: RefusedAnswer) => void) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    publish: (refusal: RefusedAnswer) => {
      for (const listener of listeners) listener(refusal);
    },
  };
}
