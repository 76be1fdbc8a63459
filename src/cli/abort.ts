/**
 * `lieutenant abort [RUN]`: stops a run from any clone, at any moment: at a
 * pause gate it answers "stop"; while the run works on a batch, the hosts in
 * flight finish. Either way the run rolls that batch back and ends with exit
 * code 3.
 */
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { answerCommand, answerOptions, type AnswerFlags } from './approve.js';
import { examples } from './usage.js';

export function register(program: Command, context: CliContext): void {
  answerOptions(
    program
      .command('abort')
      .summary('stops a run, at a gate or mid-batch: roll back its batch')
      .addHelpText(
        'after',
        examples([['lieutenant abort --reason "errors up"', 'the batch is rolled back, the run ends']]),
      )
      .description('stops a run from any clone, at a gate or mid-batch: roll back its batch, exit 3')
      .argument('[run]', 'run id (default: the only run waiting)'),
  ).action((run: string | undefined, flags: AnswerFlags, command: Command) =>
    answerCommand('abort', run, flags, command, context),
  );
}
