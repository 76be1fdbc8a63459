/**
 * The runs an answer could reach from this clone: those running in this
 * checkout (their active-run entries), and those held anywhere else whose
 * answer log on the remote shows a gate waiting. `lieutenant approve` picks
 * from these, and so may any other front end (a dashboard).
 */
import type { ApprovalRules } from '../core/approvals.js';
import { DEFAULT_APPROVAL_RULES } from '../core/approvals.js';
import { ok, type Result } from '../core/result.js';
import { listActiveRuns } from '../control/index.js';
import { readAnswerLogs } from '../records/answers/answer-log.js';
import { waitingGate, type AnswerRecord } from '../records/answers/answer-record.js';
import { badInput, type AppFailure } from './failure.js';

export interface WaitingRun {
  runId: string;
  rollout: string;
  environment: string;
  operator: string;
  /** How an answer reaches it: 'local' (this checkout's control folder) or through this remote. */
  through: { kind: 'local' } | { kind: 'remote'; remote: string };
  /** Where it is held, as people read it. */
  where: string;
  /** The gate it waits at; undefined while it works on a batch (only an abort can reach it then). */
  gate?: { afterBatch: number; batches: number; summary: string; since: string };
  rules: ApprovalRules;
  author?: string;
  allowedSigners?: string;
  /** Identities counted so far at this gate (local runs), or the answers it has had (remote: judged again here). */
  approvedBy: string[];
  answers: AnswerRecord[];
}

/** Local runs first; a run also published on the remote is reached locally. */
export async function listWaitingRuns(
  repoDir: string,
  remote: string | undefined,
): Promise<Result<WaitingRun[], AppFailure>> {
  const local = (await listActiveRuns(repoDir)).map((run): WaitingRun => ({
    runId: run.runId,
    rollout: run.rollout,
    environment: run.environment,
    operator: run.operator,
    through: { kind: 'local' },
    where: `this checkout (pid ${run.pid})`,
    ...(run.gate ? { gate: pick(run.gate) } : {}),
    rules: run.gate?.rules ?? DEFAULT_APPROVAL_RULES,
    ...(run.gate?.author === undefined ? {} : { author: run.gate.author }),
    ...(run.gate?.allowedSigners === undefined ? {} : { allowedSigners: run.gate.allowedSigners }),
    approvedBy: run.gate?.approvedBy ?? [],
    answers: [],
  }));
  if (remote === undefined) return ok(local);
  const logs = await readAnswerLogs(repoDir, remote);
  if (!logs.ok)
    return {
      ok: false,
      error: badInput(logs.error.message, [
        logs.error.detail ?? '',
        `check that ${remote} can be reached (git ls-remote ${remote}), or answer a run of this checkout with --remote none`,
      ]),
    };
  const known = new Set(local.map((run) => run.runId));
  const remoteRuns = logs.value.flatMap((log): WaitingRun[] => {
    const waiting = waitingGate(log.records);
    if (waiting === undefined || known.has(log.runId)) return [];
    const { gate, answers } = waiting;
    return [
      {
        runId: gate.runId,
        rollout: gate.rollout,
        environment: gate.environment,
        operator: gate.operator,
        through: { kind: 'remote', remote },
        where: gate.holder,
        gate: { afterBatch: gate.afterBatch, batches: gate.batches, summary: gate.summary, since: gate.at },
        rules: gate.rules,
        ...(gate.author === undefined ? {} : { author: gate.author }),
        ...(gate.allowedSigners === undefined ? {} : { allowedSigners: gate.allowedSigners }),
        approvedBy: [],
        answers: answers.map(({ oid: _oid, ...answer }) => answer),
      },
    ];
  });
  return ok([...local, ...remoteRuns]);
}

const pick = (gate: { afterBatch: number; batches: number; summary: string; since: string }) => ({
  afterBatch: gate.afterBatch,
  batches: gate.batches,
  summary: gate.summary,
  since: gate.since,
});

/** "run-… (web on staging, by alice at alice@ci:/srv/rollouts, waiting after batch 1/2)" */
export const describeWaitingRun = (run: WaitingRun): string =>
  `${run.runId} (${run.rollout} on ${run.environment}, by ${run.operator} at ${run.where}${run.gate ? `, waiting after batch ${run.gate.afterBatch}/${run.gate.batches}` : ', working on a batch'})`;
