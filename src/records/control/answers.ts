/**
 * Answers to a pause gate from another terminal: `sendAnswer` finds the run
 * (the only one, or the one named), checks it is waiting at a gate, and drops
 * an answer file into its control folder; the run's control approver takes it
 * (`takeAnswer`). Each answer names the gate it answers, so an answer that
 * arrives late never approves the next gate. An abort needs no gate: sent
 * while the run works on a batch, it is an abort file that the run's abort
 * watch takes at once (control/abort-watch.ts).
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { GateAnswer } from '../../engine/index.js';
import { fail, ok, type Result } from '../../core/result.js';
import { listActiveRuns, type ActiveRunInfo } from './active-runs.js';
import { writeFileAtomic } from './atomic-write.js';
import { ANSWER_FILE, controlDir } from '../index.js';

const AnswerFile = z.object({
  decision: z.enum(['approve', 'abort', 'halt']),
  by: z.string(),
  reason: z.string().optional(),
  afterBatch: z.number().int(),
  sentAt: z.string(),
});

export async function sendAnswer(
  repoDir: string,
  runId: string | undefined,
  answer: GateAnswer,
): Promise<Result<{ runId: string; gate?: { afterBatch: number; batches: number } }>> {
  const runs = await listActiveRuns(repoDir);
  const chosen = chooseRun(repoDir, runs, runId);
  if (!chosen.ok) return chosen;
  const run = chosen.value;
  if (run.gate === undefined && answer.decision === 'abort') {
    const body = {
      by: answer.by,
      ...(answer.reason ? { reason: answer.reason } : {}),
      sentAt: new Date().toISOString(),
    };
    const name = `abort-${Date.now()}-${process.pid}-${randomBytes(3).toString('hex')}.json`;
    await writeFileAtomic(join(controlDir(repoDir, run.runId), name), `${JSON.stringify(body)}\n`);
    return ok({ runId: run.runId });
  }
  if (run.gate === undefined) {
    return fail(`run ${run.runId} is not waiting at a gate (it is still working on a batch); try again when it pauses`);
  }
  const body: z.infer<typeof AnswerFile> = {
    decision: answer.decision,
    by: answer.by,
    ...(answer.reason === undefined || answer.reason === '' ? {} : { reason: answer.reason }),
    afterBatch: run.gate.afterBatch,
    sentAt: new Date().toISOString(),
  };
  const name = `answer-${Date.now()}-${process.pid}-${randomBytes(3).toString('hex')}.json`;
  await writeFileAtomic(join(controlDir(repoDir, run.runId), name), `${JSON.stringify(body)}\n`);
  return ok({ runId: run.runId, gate: { afterBatch: run.gate.afterBatch, batches: run.gate.batches } });
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
export async function takeAnswer(dir: string, afterBatch: number): Promise<GateAnswer | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => ANSWER_FILE.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  for (const name of names) {
    const taken = join(dir, `.taken-${name}`);
    try {
      await rename(join(dir, name), taken);
    } catch {
      continue; // someone else took it first
    }
    const parsed = AnswerFile.safeParse(parseJson(await readFile(taken, 'utf8')));
    await rm(taken, { force: true });
    if (!parsed.success || parsed.data.afterBatch !== afterBatch) continue;
    const { decision, by, reason } = parsed.data;
    return reason === undefined ? { decision, by } : { decision, by, reason };
  }
  return undefined;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
