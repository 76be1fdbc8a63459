/**
 * `lieutenant abort [RUN]`: answers a waiting pause gate with "stop": the run
 * rolls back the batch before the gate and ends with exit code 3.
 */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { answerCommand } from './approve.js';
import { examples } from './usage.js';

export function register(program: Command, context: CliContext): void {
  program
    .command('abort')
    .summary('answers a waiting pause gate: stop, roll back the batch')
    .addHelpText(
      'after',
      examples([['lieutenant abort --reason "errors up"', 'the batch is rolled back, the run ends']]),
    )
    .description('answers a waiting pause gate from another terminal: stop, and roll back its batch')
    .argument('[run]', 'run id (default: the only run in progress)')
    .option('--reason <text>', 'why, recorded with the abort')
    .action((run: string | undefined, flags: { reason?: string }, command: Command) =>
      answerCommand('abort', run, flags.reason, command, context),
    );
}
