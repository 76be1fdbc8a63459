/**
 * `lieutenant approve` / `abort` — and any other front end — answering a
 * run's gate from any clone: through this checkout's control folder when the
 * run is here, through the run's answer log on the remote otherwise. The
 * answer is judged by the environment's rules before it is sent, with the
 * same pure rules the run applies; an answer they refuse is still sent (the
 * run journals every answer, accepted or refused) and comes back refused.
 */
import { judgeAnswer, stillNeeded, type ApprovalRule, type Judgement } from '../core/approvals.js';
import { fail, ok, type Failure, type Result } from '../core/result.js';
import { signText, verifySignature } from '../adapters/signature/ssh-signature.js';
import { answerer, answerRecord, gateAnswerOf, writeLocalAnswer, type Answerer } from '../control/index.js';
import type { GateDecision } from '../engine/index.js';
import { appendAnswerLog } from '../records/answers/answer-log.js';
import { SIGNATURE_NAMESPACE, signedText, type AnswerRecord } from '../records/answers/answer-record.js';
import { stateProblem } from './failure.js';
import { LOCAL_ONLY, lockRemoteOf } from './shared-run.js';
import { describeWaitingRun, listWaitingRuns, type WaitingRun } from './waiting-gates.js';

export interface AnswerRequest {
  repoDir: string;
  decision: GateDecision;
  /** The run; default: the one run waiting (in `environment`, when given). */
  run?: string | undefined;
  environment?: string | undefined;
  reason?: string | undefined;
  /** The remote answers travel through (default origin, or the only one); `none`: this checkout's runs only. */
  remote?: string | undefined;
  /** Who answers; this clone's git config (user.name, user.email, user.signingKey) when omitted. */
  answerer?: Answerer;
  /** Signs the record's text; default ssh-keygen with the answerer's signing key, when the environment asks. */
  sign?: (text: string) => Promise<Result<string>>;
}

/** Why an answer was not taken: nothing to answer, the rules, a signature, or the remote. All exit 2. */
export type AnswerRefusal =
  | { kind: 'no-gate'; message: string; details: string[] }
  | { kind: 'rule'; rule: ApprovalRule; message: string; stillNeeded: number; runId: string }
  | { kind: 'unreachable'; message: string; details: string[] };

export interface AnswerSent {
  runId: string;
  decision: GateDecision;
  /** What the rules made of it: the gate decided, or counted with approvals still needed. */
  judgement: Exclude<Judgement, { verdict: 'refused' }>;
  gate?: { afterBatch: number; batches: number };
  answerer: Answerer;
  through: WaitingRun['through'];
  /** The identity the rules saw (a signature's principal, or the claimed user.email). */
  identity: string;
}

export async function answerGate(request: AnswerRequest): Promise<Result<AnswerSent, AnswerRefusal>> {
  const problem = await stateProblem(request.repoDir);
  if (problem) return refuse({ kind: 'no-gate', message: problem.message, details: problem.details });
  const remote = await lockRemoteOf(request.repoDir, request.remote ?? undefined);
  if (!remote.ok) return refuse({ kind: 'no-gate', message: remote.error.message, details: remote.error.details });
  const runs = await listWaitingRuns(request.repoDir, request.remote === LOCAL_ONLY ? undefined : remote.value);
  if (!runs.ok) return refuse({ kind: 'unreachable', message: runs.error.message, details: runs.error.details });
  const reach = `${request.repoDir}${remote.value && request.remote !== LOCAL_ONLY ? ` or on ${remote.value}` : ''}`;
  const chosen = chooseRun(runs.value, request, reach);
  if (!chosen.ok) return chosen;
  const run = chosen.value;
  const me = request.answerer ?? (await answerer(request.repoDir));
  const reason = request.reason?.trim();
  const record = answerRecord(run.runId, run.gate?.afterBatch, {
    decision: request.decision,
    by: me.by,
    identity: me.identity,
    from: me.from,
    ...(reason ? { reason } : {}),
  });
  const signed = await signIfAsked(run, record, me, request.sign);
  const judged = await prejudge(run, signed);
  const delivered = await deliver(request.repoDir, run, signed);
  if (!delivered.ok)
    return refuse({ kind: 'unreachable', message: delivered.error.message, details: [delivered.error.detail ?? ''] });
  if (judged.verdict === 'refused')
    return refuse({
      kind: 'rule',
      rule: judged.rule,
      message: judged.message,
      stillNeeded: judged.stillNeeded,
      runId: run.runId,
    });
  return ok({
    runId: run.runId,
    decision: request.decision,
    judgement: judged,
    ...(run.gate ? { gate: { afterBatch: run.gate.afterBatch, batches: run.gate.batches } } : {}),
    answerer: me,
    through: run.through,
    identity: judged.identity,
  });
}

const refuse = (refusal: AnswerRefusal): Result<never, AnswerRefusal> => ({ ok: false, error: refusal });

/** `reach`: where runs were looked for ("/srv/rollouts or on origin"). */
function chooseRun(runs: WaitingRun[], request: AnswerRequest, reach: string): Result<WaitingRun, AnswerRefusal> {
  const where = request.environment === undefined ? '' : ` in ${request.environment}`;
  const candidates = runs.filter((run) => request.environment === undefined || run.environment === request.environment);
  const listed = candidates.map(describeWaitingRun);
  const noGate = (message: string, details: string[] = []) => refuse({ kind: 'no-gate', message, details });
  if (request.run !== undefined) {
    const run = candidates.find((candidate) => candidate.runId === request.run);
    if (run === undefined)
      return noGate(
        `run ${request.run} is not waiting for an answer${where}`,
        listed.length > 0 ? [`waiting: ${listed.join('; ')}`] : [],
      );
    return gateOrAbort(run, request.decision);
  }
  // Without a run named, a run at a gate is the one meant; a run mid-batch only when it is the only one.
  const atGate = candidates.filter((run) => run.gate !== undefined);
  const pool = atGate.length > 0 || request.decision !== 'abort' ? atGate : candidates;
  const [only, ...others] = pool;
  // One run, mid-batch: say that of it, rather than list it.
  if (only === undefined && candidates.length === 1 && candidates[0] !== undefined)
    return gateOrAbort(candidates[0], request.decision);
  if (only === undefined)
    return noGate(
      candidates.length > 0
        ? `no run is waiting at a gate${where}: ${listed.join('; ')}`
        : `no run is waiting for an answer${where} (in ${reach})`,
    );
  if (others.length > 0)
    return noGate(
      `${pool.length} runs are waiting${where}; name one (lieutenant ${request.decision} RUN) or an environment (--env)`,
      pool.map(describeWaitingRun),
    );
  return gateOrAbort(only, request.decision);
}

function gateOrAbort(run: WaitingRun, decision: GateDecision): Result<WaitingRun, AnswerRefusal> {
  if (run.gate !== undefined || decision === 'abort') return ok(run);
  return refuse({
    kind: 'no-gate',
    message: `run ${run.runId} is not waiting at a gate (it is still working on a batch); try again when it pauses`,
    details: [],
  });
}

async function signIfAsked(
  run: WaitingRun,
  record: AnswerRecord,
  me: Answerer,
  sign: AnswerRequest['sign'],
): Promise<AnswerRecord> {
  if (run.rules.allowedSignersFile === undefined && sign === undefined) return record;
  const signer =
    sign ?? (me.signingKey ? (text: string) => signText(text, me.signingKey ?? '', SIGNATURE_NAMESPACE) : undefined);
  if (signer === undefined) return record; // unsigned: refused by the rules, and journaled so by the run
  const signature = await signer(signedText(record));
  return signature.ok ? { ...record, signature: signature.value } : record;
}

/** The run's own judgement, made here first: the answers it has had, then this one. */
async function prejudge(run: WaitingRun, record: AnswerRecord): Promise<Judgement> {
  const author = run.author === undefined ? {} : { author: run.author };
  let approvedBy = run.approvedBy;
  for (const earlier of run.answers) {
    const judged = judgeAnswer(run.rules, { ...author, approvedBy }, await gateAnswerOf(earlier, signersOf(run)));
    if (judged.verdict === 'counted') approvedBy = judged.approvedBy;
  }
  const answer = await gateAnswerOf(record, signersOf(run));
  if (run.gate === undefined) {
    const judged = judgeAnswer(run.rules, { ...author, approvedBy: [] }, answer);
    return judged;
  }
  const judged = judgeAnswer(run.rules, { ...author, approvedBy }, answer);
  return judged.verdict === 'refused' ? { ...judged, stillNeeded: stillNeeded(run.rules, { approvedBy }) } : judged;
}

const signersOf = (run: WaitingRun) =>
  run.allowedSigners === undefined ? undefined : { text: run.allowedSigners, verify: verifySignature };

async function deliver(repoDir: string, run: WaitingRun, record: AnswerRecord): Promise<Result<void, Failure>> {
  if (run.through.kind === 'local') {
    await writeLocalAnswer(repoDir, record);
    return ok(undefined);
  }
  const appended = await appendAnswerLog(repoDir, run.through.remote, record);
  return appended.ok ? ok(undefined) : fail(appended.error.message, appended.error.detail);
}
