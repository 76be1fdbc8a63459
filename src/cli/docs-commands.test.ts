/**
 * docs/commands.md against the program: the command table lists exactly the
 * commands --help lists, each with the same synopsis; each command's section
 * documents exactly its flags; the exit code table is the code's.
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE } from '../engine/index.js';
import { markedTable, readDoc } from '../testing/docs-markdown.js';
import { ExitCode } from '../core/exit-codes.js';
import { buildProgram } from './main.js';
import { testContext } from './testing.js';
import { usageTerms } from './usage.js';

const PAGE = 'commands.md';
const page = await readDoc(PAGE);
const program = buildProgram(testContext());
const commands = program
  .createHelp()
  .visibleCommands(program)
  .filter((command) => command.name() !== 'help');

const code = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');

/** The text of `## name` up to the next `## ` heading. */
function section(name: string): string {
  const match = new RegExp(`^## ${name}\\n([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, 'm').exec(page);
  if (!match) throw new Error(`${PAGE} has no "## ${name}" section`);
  return match[1] ?? '';
}

const flagsOf = (command: Command): string[] =>
  command.options
    .filter((option) => option.long !== undefined && option.long !== '--help' && !option.hidden)
    .map((option) => option.long ?? '')
    .sort();

describe('docs/commands.md', () => {
  it('lists exactly the commands of --help, in its order, each with its synopsis', () => {
    // Given the command table of the page
    const documented = markedTable(page, 'commands', [], PAGE).rows.map((row) => code(row[0] ?? '')[0] ?? '');
    // Then it is, line for line, what the program registers
    expect(documented).toEqual(
      commands.map((command) => ['lieutenant', command.name(), usageTerms(command)].filter(Boolean).join(' ')),
    );
  });

  it.each(commands.map((command) => [command.name(), command] as const))(
    'documents every flag of %s in its own section, and no other',
    (name, command) => {
      // Given the section of the command, When the flags of its tables are read
      const documented = section(name)
        .split('\n')
        .filter((line) => line.startsWith('| `--'))
        .map((line) => /^\| `(--[a-z-]+)/.exec(line)?.[1] ?? '')
        .sort();
      // Then they are the command's flags
      expect(documented).toEqual(flagsOf(command));
      expect(section(name)).toContain(`lieutenant ${name} ${usageTerms(command)}`.trim());
    },
  );

  it('has the exit code table of the code: every code, and each run result under its code', () => {
    // Given the exit code table
    const rows = markedTable(page, 'exit-codes', [], PAGE).rows;
    const codes = rows.map((row) => Number(code(row[0] ?? '')[0]));
    const results = Object.fromEntries(
      rows.flatMap((row) => code(row[1] ?? '').map((result) => [result, Number(code(row[0] ?? '')[0])])),
    );
    // Then the codes are those the CLI can end with, and the run results map as the engine maps them
    expect(codes).toEqual([...new Set(Object.values(ExitCode))].sort((a, b) => a - b));
    expect(results).toEqual(EXIT_CODE);
  });
});
