/**
 * `lieutenant approve [RUN] [--reason TEXT]`: answers a waiting pause gate of
 * a running run from another terminal. Thin: flags in, `sendAnswer` out.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { GateDecision } from '../engine/ports.js';
import { operatorName, sendAnswer } from '../control/index.js';

export interface AnswerOptions {
  repoDir: string;
  run?: string;
  reason?: string;
  /** Who answers; git user.name of the repo (or $USER) when omitted. */
  by?: string;
}

export interface AnswerIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const VERB: Record<GateDecision, string> = { approve: 'approved', abort: 'aborted', halt: 'halted' };

/** Sends the answer; returns the exit code (0, or 2 when there is no gate to answer). */
export async function answerGate(decision: GateDecision, options: AnswerOptions, io: AnswerIo): Promise<number> {
  const by = options.by ?? (await operatorName(options.repoDir));
  const reason = options.reason?.trim();
  const sent = await sendAnswer(options.repoDir, options.run, reason ? { decision, by, reason } : { decision, by });
  if (!sent.ok) {
    io.err(`lieutenant ${decision}: ${sent.error.message}`);
    if (sent.error.detail !== undefined) io.err(`  ${sent.error.detail}`);
    return 2;
  }
  const { runId, afterBatch, batches } = sent.value;
  const then = decision === 'approve' ? '' : decision === 'abort' ? '; the batch is rolled back and the run stops' : '; the run stops';
  io.out(`${VERB[decision]} run ${runId} at the gate after batch ${afterBatch}/${batches} (as ${by})${then}`);
  return 0;
}

export const consoleIo: AnswerIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

export function registerApprove(program: Command): void {
  program
    .command('approve')
    .description('answer a waiting pause gate of a running run: go on with the next batch')
    .argument('[run]', 'run id (default: the only run in progress)')
    .option('--reason <text>', 'why, recorded in the run history')
    .option('--repo <dir>', 'the rollout repo')
    .action(async (run: string | undefined, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ reason?: string; repo?: string }>();
      process.exitCode = await answerGate('approve', { repoDir: resolve(options.repo ?? '.'), run, reason: options.reason }, consoleIo);
    });
}
