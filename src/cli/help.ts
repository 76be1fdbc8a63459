/**
 * `lieutenant help [COMMAND]` as a command of its own (commander's built-in
 * one prints the program's help for `help help` and for an unknown name, and
 * exits 2), and `-v` read as `-V`.
 */
import type { Command } from 'commander';
import { AbortError } from './errors.js';
import { examples } from './usage.js';

export function registerHelp(program: Command): void {
  program.helpCommand(false);
  program
    .command('help [command]')
    .summary('a command’s synopsis, flags and examples')
    .description('prints the help of COMMAND (of lieutenant without one); the same as COMMAND --help')
    .addHelpText(
      'after',
      examples([
        ['lieutenant help run', 'the synopsis, flags and examples of run'],
        ['lieutenant help', 'every command'],
      ]),
    )
    .action((name: string | undefined) => {
      if (name === undefined) return program.outputHelp();
      const command = program.commands.find((candidate) => candidate.name() === name);
      if (command === undefined) {
        const known = program.commands.map((candidate) => candidate.name()).join(', ');
        throw new AbortError(`unknown command '${name}'`, `the commands are ${known}`);
      }
      command.outputHelp();
    });
}

/**
 * `-v` is `--version` (as `-V` is) where it stands before the command: many
 * tools spell it so. After a command it is left alone, an unknown flag there.
 */
export function versionAlias(argv: readonly string[]): string[] {
  // The command is the first word that is neither a flag nor the value of --repo.
  const command = argv.findIndex((arg, index) => !arg.startsWith('-') && argv[index - 1] !== '--repo');
  return argv.map((arg, index) => (arg === '-v' && (command === -1 || index < command) ? '--version' : arg));
}
