/**
 * man/lieutenant.1, made from the help the program prints: each command's
 * synopsis, description, flags (as `help COMMAND` words them, defaults and
 * variables included) and examples; then the environment and the exit codes.
 * `npm run man` writes it; man-page.test.ts fails when it is stale.
 */
import type { Command } from 'commander';
import { ExitCode } from '../core/exit-codes.js';
import { buildProgram } from './main.js';

/** What each exit status means, as docs/commands.md says it. */
const EXIT_MEANINGS: Record<keyof typeof ExitCode, string> = {
  done: 'done, or nothing to do',
  rolloutFailed:
    'the rollout failed (rolled back, halted or degraded); status: a host is unreachable, not serving or out of rotation',
  badInput: 'bad input (a spec, a flag, a repository, state on disk); nothing was changed on any host',
  aborted: 'stopped by an operator',
  locked: 'another run holds the environment’s lock',
  frozen: 'a freeze window of the inventory is open: no run started',
  differs: 'status: every host serves, but the fleet differs from Git (drift, a rollout not deployed, a pending sync)',
  unrecorded:
    'the run’s journal could not be written (a full disk, an I/O error): the run stopped; free the space, then lieutenant resume',
  leaseLost:
    'the run’s lease on the lock could no longer be proven its own: it stopped at once, naming the hosts it left out',
  internal: 'a bug in Lieutenant (the error says how to report it)',
  interrupted: 'a third Ctrl-C: exited at once, steps in flight abandoned (lieutenant resume brings hosts back)',
};

/** Variables read from the environment, beside those help lists for a flag. */
const ENVIRONMENT: ReadonlyArray<readonly [name: string, meaning: string]> = [
  ['NO_COLOR', 'when set and not empty, no output is coloured, the terminal UI included (no-color.org)'],
  ['FORCE_COLOR', 'colours even when NO_COLOR is set or the output is not a terminal (0 turns them off)'],
  ['TZ', 'the time zone of the clock times in human output (the machine zone by default); JSON output is UTC'],
];

export function manPage(version: string): string {
  const program = buildProgram({
    io: { stdout: { write: () => true }, stderr: { write: () => true } },
    cwd: '/',
    signal: new AbortController().signal,
    forceSignal: new AbortController().signal,
    setExitCode: () => undefined,
  });
  const help = program.createHelp();
  const commands = program.commands;
  const envVars = [
    ...program.options.map((option) => [option, 'every command'] as const),
    ...commands.flatMap((command) => command.options.map((option) => [option, command.name()] as const)),
  ].flatMap(([option, where]) =>
    option.envVar === undefined ? [] : [{ name: option.envVar, flag: option.long, where }],
  );
  const variables = [...new Set(envVars.map((variable) => variable.name))].map((name) => {
    const uses = envVars.filter((variable) => variable.name === name);
    return [name, `sets ${uses[0]?.flag ?? ''} (${uses.map((use) => use.where).join(', ')})`] as const;
  });
  return [
    `.TH LIEUTENANT 1 "" "lieutenant ${roff(version)}" "User Commands"`,
    '.SH NAME',
    `lieutenant \\- ${roff(program.description())}`,
    '.SH SYNOPSIS',
    `.B lieutenant\n${roff(program.usage())}`,
    '.SH OPTIONS',
    ...help
      .visibleOptions(program)
      .filter((option) => option.long !== '--help')
      .map((option) => item(help.optionTerm(option), help.optionDescription(option))),
    '.SH COMMANDS',
    ...commands.flatMap((command) => commandSection(command, help)),
    '.SH ENVIRONMENT',
    ...[...variables, ...ENVIRONMENT].map(([name, meaning]) => item(name, meaning)),
    '.SH EXIT STATUS',
    ...(Object.keys(ExitCode) as Array<keyof typeof ExitCode>).map((key) =>
      item(String(ExitCode[key]), EXIT_MEANINGS[key]),
    ),
    '.SH SEE ALSO',
    roff(
      'The documentation in the package’s docs/ folder: getting-started.md, rollout-repo.md, commands.md, ' +
        'safety.md, gitops.md, operations.md.',
    ),
    '',
  ].join('\n');
}

function commandSection(command: Command, help: ReturnType<Command['createHelp']>): string[] {
  const options = help.visibleOptions(command).filter((option) => option.long !== '--help');
  const exampleLines = examplesOf(command);
  return [
    `.SS "lieutenant ${roff(command.name())} ${roff(command.usage())}"`,
    roff(command.description()),
    ...options.map((option) => item(help.optionTerm(option), help.optionDescription(option))),
    ...(exampleLines.length === 0 ? [] : ['.PP', 'Examples:', '.PP', '.nf', ...exampleLines.map(roff), '.fi']),
  ];
}

/** The `Examples:` block `help COMMAND` ends with, as printed. */
function examplesOf(command: Command): string[] {
  const printed: string[] = [];
  command.configureOutput({ writeOut: (text) => void printed.push(text), getOutHelpWidth: () => 80 });
  command.outputHelp();
  const text = printed.join('');
  const at = text.indexOf('\nExamples:\n');
  return at === -1
    ? []
    : text
        .slice(at + '\nExamples:\n'.length)
        .trimEnd()
        .split('\n');
}

function item(term: string, description: string): string {
  return `.TP\n.B ${roff(term)}\n${roff(description)}`;
}

/**
 * Text as roff reads it literally: backslashes escaped, minus signs as \-, no
 * line read as a request, and anything past ASCII as a named glyph (`\[u2026]`),
 * so groff renders it without preconv.
 */
function roff(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(
      /[^\n\x20-\x7e]/gu,
      (char) => `\\[u${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`,
    )
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}
