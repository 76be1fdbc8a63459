/**
 * Commands in --help read as the synopses of docs/commands.md write them:
 * `run PLAYBOOK [--yes] [--json] [--rev REV]`, not commander's `run [options] <playbook>`.
 */
import type { Command } from 'commander';

export function usageTerms(command: Command): string {
  const args = command.registeredArguments.map((argument) =>
    argument.required ? argument.name().toUpperCase() : `[${argument.name().toUpperCase()}]`,
  );
  const options = command.options
    .filter((option) => option.long !== undefined && option.long !== '--help' && !option.hidden)
    .map((option) => {
      const value = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1];
      return `[${option.long}${value === undefined ? '' : ` ${value.toUpperCase()}`}]`;
    });
  return [...args, ...options].join(' ');
}

/** Help settings for the program; commands created afterwards inherit them. */
export const HELP_SETTINGS = {
  showGlobalOptions: true,
  subcommandTerm: (command: Command) => [command.name(), usageTerms(command)].filter(Boolean).join(' '),
};

/** The usage line of each command (`lieutenant run PLAYBOOK [--yes] …`), once its flags are known. */
export function useSynopsisUsage(program: Command): void {
  for (const command of program.commands) command.usage(usageTerms(command));
}
