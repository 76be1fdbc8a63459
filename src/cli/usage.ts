/**
 * How commands read in --help. The command list of `lieutenant --help` shows
 * short usages (`run PLAYBOOK`) so that it fits an 80-column terminal; each
 * command's own help (`lieutenant help run`) shows the full synopsis as
 * docs/commands.md writes it — `run PLAYBOOK [--yes] [--json] [--rev REV]`,
 * not commander's `run [options] <playbook>` — wrapped to the terminal, then
 * its flags and examples.
 */
import type { Command, Help, Option } from 'commander';

/** The terminal width help is wrapped to when the output is not a terminal. */
export const HELP_WIDTH = 80;

export function usageTerms(command: Command): string {
  const options = command.options
    .filter((option) => option.long !== undefined && option.long !== '--help' && !option.hidden)
    .map((option) => {
      const value = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1];
      const term = `${option.long}${value === undefined ? '' : ` ${value.toUpperCase()}`}`;
      return option.mandatory ? term : `[${term}]`;
    });
  return [...argumentTerms(command), ...options].join(' ');
}

/** `run PLAYBOOK`, `revert [COMMIT]`: a command's name and arguments, without its flags. */
export function shortUsage(command: Command): string {
  return [command.name(), ...argumentTerms(command)].join(' ');
}

/** Arguments in capitals; one with a single allowed value is that word (`import ansible`). */
function argumentTerms(command: Command): string[] {
  return command.registeredArguments.map((argument) => {
    const only = argument.argChoices?.length === 1 ? argument.argChoices[0] : undefined;
    const term = only ?? argument.name().toUpperCase();
    return argument.required ? term : `[${term}]`;
  });
}

/** Help settings for the program; commands created afterwards inherit them. */
export const HELP_SETTINGS: Partial<Help> = {
  showGlobalOptions: true,
  // `(default: HEAD)`, not commander's `(default: "HEAD")`; and the variable a flag is also read from.
  optionDescription: (option: Option) => {
    const shownDefault =
      option.defaultValueDescription ??
      (option.defaultValue !== undefined && !option.isBoolean() ? String(option.defaultValue) : undefined);
    const extra = [
      ...(shownDefault === undefined ? [] : [`default: ${shownDefault}`]),
      ...(option.envVar === undefined ? [] : [`env: ${option.envVar}`]),
    ];
    return extra.length === 0 ? option.description : `${option.description} (${extra.join(', ')})`;
  },
  subcommandTerm: (command: Command) => shortUsage(command),
  // The synopsis, wrapped under itself: `Usage: lieutenant watch [--remote NAME]` …
  commandUsage(this: Help, command: Command): string {
    const parent = command.parent ? `${command.parent.name()} ` : '';
    const head = `${parent}${command.name()} `;
    const width = (this.helpWidth ?? HELP_WIDTH) - 'Usage: '.length - head.length;
    const lines = wrapTerms(command.usage(), Math.max(width, 20));
    return head + lines.join(`\n${' '.repeat('Usage: '.length + head.length)}`);
  },
};

/** Splits `[--a X] [--b] PLAYBOOK` into lines of at most `width`, never inside a bracket. */
function wrapTerms(usage: string, width: number): string[] {
  const terms = usage.match(/\[[^\]]*\]|\S+/g) ?? [];
  const lines: string[] = [];
  for (const term of terms) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + term.length <= width) lines[lines.length - 1] = `${last} ${term}`;
    else lines.push(term);
  }
  return lines.length > 0 ? lines : [''];
}

/** The usage line of each command (`lieutenant run PLAYBOOK [--yes] …`), once its flags are known. */
export function useSynopsisUsage(program: Command): void {
  for (const command of program.commands) {
    command.usage(usageTerms(command));
    for (const sub of command.commands) sub.usage(usageTerms(sub));
  }
}

/** The `Examples:` block a command's help ends with: each a command line and what it does. */
export function examples(lines: ReadonlyArray<readonly [command: string, does: string]>): string {
  const width = Math.max(...lines.map(([command]) => command.length));
  // Aligned comments when every line fits, else each comment above its command.
  const aligned = lines.every(([, does]) => 2 + width + 4 + does.length <= HELP_WIDTH);
  const body = lines.map(([command, does]) =>
    aligned ? `  ${command.padEnd(width)}  # ${does}` : `  # ${does}\n  ${command}`,
  );
  return `\nExamples:\n${body.join('\n')}\n`;
}
