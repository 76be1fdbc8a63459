/**
 * `lieutenant completion bash|zsh|fish` prints a script for the shell; the
 * script asks `lieutenant __complete WORDS…` (hidden) for the candidates of
 * the word under the cursor, so commands and flags come from the program
 * itself and rollouts, environments and run ids from the rollout repo the
 * line names (`--repo`, LIEUTENANT_REPO, or the current directory).
 * Output: one candidate a line; `:files` or `:dirs` alone asks the shell to
 * complete paths itself.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Argument, type Command, type Option } from 'commander';
import { listRuns } from '../records/index.js';
import type { CliContext } from './context.js';
import { examples } from './usage.js';
import { completionScript, SHELLS, type Shell } from './completion-scripts.js';

/** What a value is, by the name its argument or flag gives it. */
type Kind = 'commands' | 'rollouts' | 'environments' | 'runs' | 'shells' | 'files' | 'dirs' | 'none';

const KIND_OF_NAME: Record<string, Kind> = {
  playbook: 'rollouts',
  env: 'environments',
  environment: 'environments',
  run: 'runs',
  command: 'commands',
  shell: 'shells',
  dir: 'dirs',
  inventory: 'files',
  path: 'files',
};

export function registerCompletion(program: Command, context: CliContext): void {
  program
    .command('completion')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .summary('prints the completion script of a shell')
    .description(
      'prints a script that completes commands, flags, rollouts, environments and run ids in bash, zsh or fish',
    )
    .addHelpText(
      'after',
      examples([
        ['source <(lieutenant completion bash)', 'in ~/.bashrc'],
        ['source <(lieutenant completion zsh)', 'in ~/.zshrc (after compinit)'],
        ['lieutenant completion fish | source', 'in ~/.config/fish/config.fish'],
      ]),
    )
    .action((shell: Shell) => void context.io.stdout.write(completionScript(shell)));
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .helpOption(false)
    .allowUnknownOption()
    .action(async (words: string[] = []) => {
      const candidates = await complete(program, words, context.cwd);
      if (candidates.length > 0) context.io.stdout.write(`${candidates.join('\n')}\n`);
    });
}

/** Candidates for the last of `words` (the words after `lieutenant`, the last one being typed, maybe empty). */
export async function complete(program: Command, words: readonly string[], cwd: string): Promise<string[]> {
  const typed = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  const repoAt = before.lastIndexOf('--repo');
  const repo = repoAt === -1 ? process.env['LIEUTENANT_REPO'] : before[repoAt + 1];
  const repoDir = resolve(cwd, repo || '.');
  const kind = slotOf(program, before, typed);
  const values = typeof kind === 'string' ? await valuesOf(kind, program, repoDir) : kind;
  if (values.length === 1 && values[0]?.startsWith(':')) return values;
  return values.filter((value) => value.startsWith(typed));
}

/** What the word being typed is: a command, a flag of the command, a flag's value, or an argument. */
function slotOf(program: Command, before: readonly string[], typed: string): Kind | string[] {
  const visible = program.createHelp().visibleCommands(program);
  const { command, operands, pendingFlag } = walk(program, before);
  if (pendingFlag !== undefined) return kindOfName(/[<[]([^>\]]+)[>\]]/.exec(pendingFlag.flags)?.[1]);
  if (typed.startsWith('-')) return flagsOf(program, command);
  if (command === undefined) return visible.map((candidate) => candidate.name());
  const argument = command.registeredArguments[operands];
  if (argument === undefined) return 'none';
  return argument.argChoices ? [...argument.argChoices] : kindOfName(argument.name());
}

/** The command named so far, how many of its operands are given, and a flag still waiting for its value. */
function walk(program: Command, before: readonly string[]) {
  let command: Command | undefined;
  let operands = 0;
  let pendingFlag: Option | undefined;
  for (const word of before) {
    if (pendingFlag !== undefined) {
      pendingFlag = undefined;
      continue;
    }
    if (word.startsWith('-')) {
      const flag = [...program.options, ...(command?.options ?? [])].find((option) => option.long === word);
      if (flag !== undefined && (flag.required || flag.optional) && !word.includes('=')) pendingFlag = flag;
      // An optional value (--push [remote]) is taken only when one follows; completion offers it.
      continue;
    }
    if (command === undefined) command = program.commands.find((candidate) => candidate.name() === word);
    else operands += 1;
  }
  return { command, operands, pendingFlag };
}

function flagsOf(program: Command, command: Command | undefined): string[] {
  return [...(command?.options ?? []), ...program.options]
    .filter((option) => !option.hidden && option.long !== undefined)
    .map((option) => option.long ?? '');
}

const kindOfName = (name: string | undefined): Kind => KIND_OF_NAME[(name ?? '').toLowerCase()] ?? 'none';

async function valuesOf(kind: Kind, program: Command, repoDir: string): Promise<string[]> {
  switch (kind) {
    case 'commands':
      return program
        .createHelp()
        .visibleCommands(program)
        .map((command) => command.name());
    case 'rollouts':
      return yamlNames(join(repoDir, 'playbooks'));
    case 'environments':
      return yamlNames(join(repoDir, 'inventories'));
    case 'runs':
      return listRuns(repoDir).catch(() => []);
    case 'shells':
      return [...SHELLS];
    case 'files':
    case 'dirs':
      return [`:${kind}`];
    case 'none':
      return [];
  }
}

/** `web` for playbooks/web.yaml; nothing when the folder cannot be read (completion never fails loudly). */
async function yamlNames(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith('.yaml')).map((name) => name.slice(0, -'.yaml'.length));
}
