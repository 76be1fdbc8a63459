/**
 * Answers to a pause gate from another terminal of this checkout:
 * `sendAnswer` finds the run (the only one, or the one named), checks it is
 * waiting at a gate, and drops an answer record — the same record as on the
 * remote (records/answers/answer-record.ts) — into its control folder; the
 * run's control approver takes it (`takeAnswer`). Each answer names the gate
 * it answers, so an answer that arrives late never approves the next gate.
 * An abort needs no gate: sent while the run works on a batch, it is an
 * abort file that the run's abort watch takes at once (control/abort-watch.ts).
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { GateAnswer } from '../../engine/index.js';
import { fail, ok, type Result } from '../../core/result.js';
import { AnswerRecord } from '../answers/answer-record.js';
import { listActiveRuns, type ActiveRunInfo } from './active-runs.js';
import { writeFileAtomic } from './atomic-write.js';
import { ANSWER_FILE, controlDir } from '../index.js';

export async function sendAnswer(
  repoDir: string,
  runId: string | undefined,
  answer: GateAnswer,
): Promise<Result<{ runId: string; gate?: { afterBatch: number; batches: number } }>> {
  const runs = await listActiveRuns(repoDir);
  const chosen = chooseRun(repoDir, runs, runId);
  if (!chosen.ok) return chosen;
  const run = chosen.value;
  if (run.gate === undefined && answer.decision !== 'abort')
    return fail(`run ${run.runId} is not waiting at a gate (it is still working on a batch); try again when it pauses`);
  const record = answerRecord(run.runId, run.gate?.afterBatch, answer);
  await writeLocalAnswer(repoDir, record);
  return ok(
    run.gate
      ? { runId: run.runId, gate: { afterBatch: run.gate.afterBatch, batches: run.gate.batches } }
      : { runId: run.runId },
  );
}

/** The record of an answer to the gate after `afterBatch` (undefined: an abort while the run works on a batch). */
export function answerRecord(runId: string, afterBatch: number | undefined, answer: GateAnswer): AnswerRecord {
  return {
    kind: 'answer',
    runId,
    ...(afterBatch === undefined ? {} : { afterBatch }),
    decision: answer.decision,
    by: answer.by,
    identity: answer.identity ?? answer.by,
    from: answer.from ?? '',
    ...(answer.reason === undefined || answer.reason === '' ? {} : { reason: answer.reason }),
    sentAt: new Date().toISOString(),
    nonce: randomBytes(8).toString('hex'),
  };
}

/** Drops the record into the run's control folder: an answer file at a gate, an abort file otherwise. */
export async function writeLocalAnswer(repoDir: string, record: AnswerRecord): Promise<void> {
  const kind = record.afterBatch === undefined ? 'abort' : 'answer';
  const name = `${kind}-${Date.now()}-${process.pid}-${randomBytes(3).toString('hex')}.json`;
  await writeFileAtomic(join(controlDir(repoDir, record.runId), name), `${JSON.stringify(record)}\n`);
}

function chooseRun(repoDir: string, runs: ActiveRunInfo[], runId: string | undefined): Result<ActiveRunInfo> {
  const listed = runs.map(describeRun).join('; ');
  if (runId !== undefined) {
    const run = runs.find((candidate) => candidate.runId === runId);
    if (run !== undefined) return ok(run);
    return fail(`run ${runId} is not running in ${repoDir}`, runs.length > 0 ? `running: ${listed}` : undefined);
  }
  const [only, ...others] = runs;
  if (only === undefined) return fail(`no run is running in ${repoDir}`);
  if (others.length > 0)
    return fail(`${runs.length} runs are running in ${repoDir}: ${listed}; name one (lieutenant approve RUN)`);
  return ok(only);
}

const describeRun = (run: ActiveRunInfo): string =>
  `${run.runId} (${run.rollout} on ${run.environment}, by ${run.operator}${run.gate ? `, waiting after batch ${run.gate.afterBatch}/${run.gate.batches}` : ''})`;

/**
 * Takes (reads and removes) the first answer for the gate after `afterBatch`;
 * answers meant for another gate are discarded. Taking is a rename, so two
 * readers never both get the same answer.
 */
export async function takeAnswer(dir: string, afterBatch: number): Promise<AnswerRecord | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => ANSWER_FILE.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  for (const name of names) {
    const record = await takeRecord(dir, name);
    if (record?.afterBatch === afterBatch) return record;
  }
  return undefined;
}

/** Renames the file away (the claim), reads and removes it; undefined when another reader took it or it is not a record. */
export async function takeRecord(dir: string, name: string): Promise<AnswerRecord | undefined> {
  const taken = join(dir, `.taken-${name}`);
  try {
    await rename(join(dir, name), taken);
  } catch {
    return undefined; // someone else took it first
  }
  const text = await readFile(taken, 'utf8').catch(() => '');
  await rm(taken, { force: true });
  const parsed = AnswerRecord.safeParse(parseJson(text));
  return parsed.success ? parsed.data : undefined;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
