/**
 * `lieutenant approve` / `abort`: answers the pause gate a running run waits
 * at, from another terminal, through the control channel (control/).
 */
import type { GateDecision } from '../engine/index.js';
import { ok, type Result } from '../core/result.js';
import { operatorName, sendAnswer } from '../control/index.js';
import { badInput, stateProblem, type AppFailure } from './failure.js';

export interface AnswerRequest {
  repoDir: string;
  run?: string | undefined;
  reason?: string | undefined;
  /** Who answers; git user.name of the repo (or $USER) when omitted. */
  by?: string;
}

const VERB: Record<GateDecision, string> = { approve: 'approved', abort: 'aborted', halt: 'halted' };
const THEN: Record<GateDecision, string> = {
  approve: '',
  abort: '; its batch is rolled back and the run stops',
  halt: '; the run stops',
};

/** Sends the answer; the line to show, or why there was no gate to answer (exit 2: nothing changed). */
export async function answerGate(decision: GateDecision, request: AnswerRequest): Promise<Result<string, AppFailure>> {
  const problem = await stateProblem(request.repoDir);
  if (problem) return { ok: false, error: problem };
  const by = request.by ?? (await operatorName(request.repoDir));
  const reason = request.reason?.trim();
  const sent = await sendAnswer(request.repoDir, request.run, reason ? { decision, by, reason } : { decision, by });
  if (!sent.ok) {
    const { message, detail } = sent.error;
    return { ok: false, error: badInput(`lieutenant ${decision}: ${message}`, detail === undefined ? [] : [detail]) };
  }
  const { runId, gate } = sent.value;
  if (gate === undefined) {
    return ok(
      `aborted run ${runId} (as ${by}): its hosts in flight finish, then its batch is rolled back and it stops`,
    );
  }
  return ok(
    `${VERB[decision]} run ${runId} at the gate after batch ${gate.afterBatch}/${gate.batches} (as ${by})${THEN[decision]}`,
  );
}
