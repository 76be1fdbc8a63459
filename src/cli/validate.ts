/**
 * `lieutenant validate [--repo DIR] [--rev REV]`: every spec at the revision,
 * every problem as `file:line:col: message`.
 */
import type { Command } from 'commander';
import { formatSpecError } from '../spec/errors.js';
import { inspectRepo } from '../spec/repo.js';
import { repoDirOf, type CliContext } from './context.js';
import { ExitCode } from '../core/exit-codes.js';
import { shortSha } from '../core/sha.js';
import { examples } from './usage.js';

export interface ValidateOptions {
  repoDir: string;
  rev: string;
  /** One JSON object per problem (file, line, column, message), then a summary, on stdout: for CI. */
  json?: boolean;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('validate')
    .summary('checks every spec of a commit; connects to nothing')
    .addHelpText(
      'after',
      examples([
        ['lieutenant validate', 'every spec at HEAD of the current directory'],
        ['lieutenant validate --repo ../rollouts --rev v42', 'another checkout, at a tag'],
      ]),
    )
    .description('checks every spec at the revision; errors as file:line:col: message')
    .option('--rev <rev>', 'the revision to check (commit, branch or tag)', 'HEAD')
    .option('--json', 'one JSON object per problem (file, line, column, message), then a summary')
    .action(async (flags: { rev: string; json?: boolean }, command: Command) => {
      const options = { repoDir: repoDirOf(command, context), rev: flags.rev, json: flags.json === true };
      context.setExitCode(await (options.json ? validateJson(options, context) : validate(options, context)));
    });
}

export async function validate(options: ValidateOptions, { io }: Pick<CliContext, 'io'>): Promise<number> {
  const { specs: result, warnings } = await inspectRepo(options.repoDir, options.rev);
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  if (!result.ok) {
    for (const error of result.error) io.stderr.write(`${formatSpecError(error)}\n`);
    const count = result.error.length;
    io.stderr.write(`${count} problem${count === 1 ? '' : 's'} found\n`);
    return ExitCode.badInput;
  }
  const { playbooks, inventories, commit } = result.value;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const inventoriesWord = inventories.size === 1 ? 'inventory' : 'inventories';
  io.stdout.write(
    `${plural(playbooks.size, 'playbook')}, ${inventories.size} ${inventoriesWord} valid at ${shortSha(commit.sha)} ${commit.subject}\n`,
  );
  return ExitCode.done;
}

/** `validate --json`: `{"type":"problem",file,line,column,message}` lines, then `{"type":"summary",valid,problems,…}`. */
export async function validateJson(options: ValidateOptions, { io }: Pick<CliContext, 'io'>): Promise<number> {
  const { specs: result, warnings } = await inspectRepo(options.repoDir, options.rev);
  const line = (value: object) => io.stdout.write(`${JSON.stringify(value)}\n`);
  for (const warning of warnings) line({ type: 'warning', message: warning });
  if (!result.ok) {
    for (const { file, line: at, col, message } of result.error)
      line({ type: 'problem', file, line: at, column: col, message });
    line({ type: 'summary', valid: false, problems: result.error.length });
    return ExitCode.badInput;
  }
  const { playbooks, inventories, commit } = result.value;
  line({
    type: 'summary',
    valid: true,
    problems: 0,
    commit: commit.sha,
    playbooks: [...playbooks.keys()],
    inventories: [...inventories.keys()],
  });
  return ExitCode.done;
}
