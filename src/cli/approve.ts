/**
 * `lieutenant approve [RUN] [--reason TEXT]`: answers a waiting pause gate of
 * a running run from another terminal. Thin: flags in, `sendAnswer` out.
 */
import type { Command } from 'commander';
import type { GateDecision } from '../engine/index.js';
import { fail, ok, type Result } from '../core/result.js';
import { operatorName, sendAnswer } from '../control/index.js';
import { repoDirOf, type CliContext } from './context.js';
import { AbortError } from './errors.js';

export interface AnswerOptions {
  repoDir: string;
  run?: string;
  reason?: string;
  /** Who answers; git user.name of the repo (or $USER) when omitted. */
  by?: string;
}

const VERB: Record<GateDecision, string> = { approve: 'approved', abort: 'aborted', halt: 'halted' };
const THEN: Record<GateDecision, string> = {
  approve: '',
  abort: '; its batch is rolled back and the run stops',
  halt: '; the run stops',
};

/** Sends the answer; the line to show, or why there was no gate to answer. */
export async function answerGate(decision: GateDecision, options: AnswerOptions): Promise<Result<string>> {
  const by = options.by ?? (await operatorName(options.repoDir));
  const reason = options.reason?.trim();
  const sent = await sendAnswer(options.repoDir, options.run, reason ? { decision, by, reason } : { decision, by });
  if (!sent.ok) return fail(`lieutenant ${decision}: ${sent.error.message}`, sent.error.detail);
  const { runId, afterBatch, batches } = sent.value;
  return ok(
    `${VERB[decision]} run ${runId} at the gate after batch ${afterBatch}/${batches} (as ${by})${THEN[decision]}`,
  );
}

/** The shared action of `approve` and `abort`: exit 2 (bad input, nothing changed) when there is no gate to answer. */
export async function answerCommand(
  decision: GateDecision,
  run: string | undefined,
  reason: string | undefined,
  command: Command,
  context: CliContext,
): Promise<void> {
  const answered = await answerGate(decision, { repoDir: repoDirOf(command, context), run, reason });
  if (!answered.ok) throw new AbortError(answered.error.message, answered.error.detail);
  context.io.stdout.write(`${answered.value}\n`);
}

export function register(program: Command, context: CliContext): void {
  program
    .command('approve')
    .description('answers a waiting pause gate from another terminal: go on')
    .argument('[run]', 'run id (default: the only run in progress)')
    .option('--reason <text>', 'why, recorded with the approval')
    .action((run: string | undefined, flags: { reason?: string }, command: Command) =>
      answerCommand('approve', run, flags.reason, command, context),
    );
}
