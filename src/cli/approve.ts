/**
 * `lieutenant approve [RUN] [--reason TEXT]`: answers a waiting pause gate of
 * a running run from another terminal. Thin: flags in, `answerGate` out.
 */
import type { Command } from 'commander';
import type { GateDecision } from '../engine/index.js';
import { answerGate } from '../app/answer-service.js';
import { repoDirOf, type CliContext } from './context.js';
import { AbortError } from './errors.js';
import { examples } from './usage.js';

/** The shared action of `approve` and `abort`: exit 2 (bad input, nothing changed) when there is no gate to answer. */
export async function answerCommand(
  decision: GateDecision,
  run: string | undefined,
  reason: string | undefined,
  command: Command,
  context: CliContext,
): Promise<void> {
  const answered = await answerGate(decision, { repoDir: repoDirOf(command, context), run, reason });
  if (!answered.ok) {
    const { message, details, exitCode } = answered.error;
    throw new AbortError(message, details.length > 0 ? details.join('\n') : undefined, exitCode);
  }
  context.io.stdout.write(`${answered.value}\n`);
}

export function register(program: Command, context: CliContext): void {
  program
    .command('approve')
    .summary('answers a waiting pause gate: go on')
    .addHelpText(
      'after',
      examples([['lieutenant approve --reason "graphs fine"', 'the only run waiting at a gate goes on']]),
    )
    .description('answers a waiting pause gate from another terminal: go on')
    .argument('[run]', 'run id (default: the only run in progress)')
    .option('--reason <text>', 'why, recorded with the approval')
    .action((run: string | undefined, flags: { reason?: string }, command: Command) =>
      answerCommand('approve', run, flags.reason, command, context),
    );
}
