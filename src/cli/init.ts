/**
 * `lieutenant init [DIR]`: a new rollout repo with examples that validate,
 * then the commands to type next.
 */
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { initService, type InitDone } from '../app/init/init-service.js';
import { repoDirOf, type CliContext } from './context.js';
import { ExitCode } from '../core/exit-codes.js';
import { reportFailure } from './report.js';
import { examples } from './usage.js';

export function register(program: Command, context: CliContext): void {
  program
    .command('init')
    .summary('a new rollout repo, with examples that validate')
    .description(
      'makes DIR (default: --repo, else the current directory) a rollout repo: inventories/ and playbooks/ ' +
        'with an example of each, the JSON Schemas for editors, .lieutenant/ in .gitignore; ' +
        'git init unless it is in a repository already. Never overwrites a file.',
    )
    .argument('[dir]', 'the folder (made if missing)')
    .addHelpText(
      'after',
      examples([
        ['lieutenant init rollouts', 'a new rollout repo in ./rollouts'],
        ['lieutenant init', 'the current directory'],
      ]),
    )
    .action(async (dir: string | undefined, _flags: unknown, command: Command) => {
      const target = dir === undefined ? repoDirOf(command, context) : resolve(context.cwd, dir);
      const done = await initService({ dir: target });
      context.setExitCode(done.ok ? printNext(done.value, context) : reportFailure(done.error, context));
    });
}

function printNext(done: InitDone, { io, cwd }: CliContext): number {
  const where = relative(cwd, done.dir) || '.';
  const lines = [
    `made a rollout repo in ${done.dir}${done.gitInitialised ? ' (git init)' : ''}:`,
    ...done.written.map((path) => `  ${path}`),
    '',
    'next:',
    ...(where === '.' ? [] : [`  cd ${where}`]),
    `  lieutenant import ansible HOSTS --env ${done.environment}   # your Ansible inventory (INI, YAML or JSON)`,
    `  $EDITOR playbooks/${done.playbook}.yaml   # the groups and package versions to roll out`,
    '  git add -A && git commit -m "Rollout repo"   # lieutenant reads what is committed',
    '  lieutenant validate',
    `  lieutenant plan ${done.playbook}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.done;
}
