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
    .action(async (flags: { rev: string }, command: Command) => {
      context.setExitCode(await validate({ repoDir: repoDirOf(command, context), rev: flags.rev }, context));
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
