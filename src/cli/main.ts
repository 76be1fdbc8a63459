/**
 * The `lieutenant` command line: commander parses, each command lives in
 * its own file (`register(program, context)` parses flags and calls a
 * service), and this file alone turns the outcome into an exit status.
 */
// First: NO_COLOR must be settled before anything loads chalk (through Ink).
import './color-env.js';
import { setMaxListeners } from 'node:events';
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import type { CliContext, CliIo } from './context.js';
import { ExitCode } from '../core/exit-codes.js';
import { describeFailure } from './errors.js';
import { reportFailure } from './report.js';
import { badInput } from '../app/failure.js';
import { repoDirOf } from './context.js';
import { repositoryProblem } from '../records/git/git.js';
import { HELP_SETTINGS, HELP_WIDTH, useSynopsisUsage } from './usage.js';
import { register as registerInit } from './init.js';
import { register as registerImport } from './import.js';
import { register as registerValidate } from './validate.js';
import { register as registerPlan } from './plan.js';
import { register as registerDiff } from './diff.js';
import { register as registerRun } from './run.js';
import { register as registerResume } from './resume.js';
import { register as registerStatus } from './status.js';
import { register as registerRevert } from './revert.js';
import { register as registerHistory } from './history.js';
import { register as registerApprove } from './approve.js';
import { register as registerAbort } from './abort.js';
import { register as registerWatch } from './watch.js';
import { register as registerSync } from './sync.js';
import { register as registerCordon } from './cordon.js';
import { registerHelp, versionAlias } from './help.js';
import { registerCompletion } from './completion.js';

export interface RunCliOptions {
  cwd?: string;
  signal?: AbortSignal;
  forceSignal?: AbortSignal;
  /** Called before a command that stops cleanly on `signal` starts (main.ts takes over Ctrl-C and SIGTERM then). */
  onStoppableCommand?: () => void;
}

/**
 * Commands that turn Ctrl-C and SIGTERM into a clean stop through the
 * context's signals. Every other command (validate, history, approve, abort,
 * revert) changes nothing a signal could leave half-done, so it keeps the
 * operating system's default: the signal ends it at once, even in the middle
 * of validating a large inventory.
 */
export const STOPPABLE_COMMANDS: ReadonlySet<string> = new Set(['run', 'resume', 'watch', 'plan', 'status']);

/**
 * Commands that work in an existing rollout repo checkout: a --repo that is
 * none (missing, not Git, bare) is bad input before the command starts,
 * the same refusal for all of them. `init` makes one; `import` writes into a
 * folder; completion and help read none.
 */
const REPO_COMMANDS: ReadonlySet<string> = new Set([
  'validate',
  'plan',
  'run',
  'approve',
  'abort',
  'revert',
  'status',
  'history',
  'resume',
  'watch',
  'sync',
]);

/** Runs one invocation (`argv` without node and script) and returns its exit status. */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
  options: RunCliOptions = {},
): Promise<number> {
  let exitCode: number = ExitCode.done;
  const context: CliContext = {
    io,
    cwd: options.cwd ?? process.cwd(),
    signal: options.signal ?? new AbortController().signal,
    forceSignal: options.forceSignal ?? new AbortController().signal,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  const program = buildProgram(context);
  program.hook('preAction', (_program, command) => {
    if (STOPPABLE_COMMANDS.has(command.name())) options.onStoppableCommand?.();
  });
  program.hook('preAction', async (_program, command) => {
    if (!REPO_COMMANDS.has(command.name())) return;
    const problem = await repositoryProblem(repoDirOf(command, context));
    if (problem === undefined) return;
    // Reported as every command reports bad input; the CommanderError only ends the parse with exit 2.
    reportFailure(badInput(problem), context);
    throw new CommanderError(ExitCode.badInput, 'lieutenant.repository', problem);
  });
  try {
    await program.parseAsync(versionAlias(argv), { from: 'user' });
    return exitCode;
  } catch (error) {
    // --help and --version end through here too, with exit code 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.done : ExitCode.badInput;
    const failure = describeFailure(error);
    io.stderr.write(failure.text);
    return failure.exitCode;
  }
}

export function buildProgram(context: CliContext): Command {
  const program = new Command('lieutenant')
    .description(
      'Staged rollouts of package versions to fleets of VMs, from Git: drain, upgrade over SSH, health-gate, return.',
    )
    .usage('[--repo DIR] COMMAND [ARGUMENTS] [FLAGS]')
    .version(packageVersion(), '-V, --version', 'print the version (also -v)')
    .addOption(
      new Option('--repo <dir>', 'the rollout repo').default(undefined, 'the current directory').env('LIEUTENANT_REPO'),
    )
    .configureHelp(HELP_SETTINGS)
    .configureOutput(output(context))
    .addHelpText('after', '\nlieutenant help COMMAND (or COMMAND --help) shows its flags and examples.\n')
    .showHelpAfterError('(lieutenant help COMMAND describes its flags)')
    .exitOverride();

  registerInit(program, context);
  registerImport(program, context);
  registerValidate(program, context);
  registerPlan(program, context);
  registerDiff(program, context);
  registerRun(program, context);
  registerApprove(program, context);
  registerAbort(program, context);
  registerRevert(program, context);
  registerStatus(program, context);
  registerHistory(program, context);
  registerResume(program, context);
  registerWatch(program, context);
  registerSync(program, context);
  registerCordon(program, context);
  registerCompletion(program, context);
  registerHelp(program);

  useSynopsisUsage(program);
  for (const command of [...program.commands, ...program.commands.flatMap((c) => c.commands)]) {
    command.configureOutput(output(context));
    command.exitOverride();
  }
  return program;
}

/** Where help and parse errors go, wrapped to the terminal (80 columns when it is not one). */
function output(context: CliContext) {
  const width = (stream: CliContext['io']['stdout']) =>
    stream.isTTY === true && stream.columns !== undefined ? stream.columns : HELP_WIDTH;
  return {
    writeOut: (text: string) => void context.io.stdout.write(text),
    writeErr: (text: string) => void context.io.stderr.write(text),
    getOutHelpWidth: () => width(context.io.stdout),
    getErrHelpWidth: () => width(context.io.stderr),
  };
}

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
}

/**
 * The process entry. For the commands that stop cleanly (STOPPABLE_COMMANDS),
 * Ctrl-C and SIGTERM escalate: the first aborts `signal` (a run finishes the
 * hosts in flight), the second `force` (a run abandons them, journaled, for
 * `resume`), a third exits at once. Other commands end at once on either.
 * The status becomes the exit code.
 */
export async function main(): Promise<void> {
  const stop = new AbortController();
  const force = new AbortController();
  const onInterrupt = () => {
    if (force.signal.aborted) process.exit(ExitCode.interrupted);
    if (stop.signal.aborted) force.abort(new Error('forced (Ctrl-C twice)'));
    else stop.abort(new Error('interrupted (Ctrl-C)'));
  };
  const takeOverInterrupts = () => {
    process.on('SIGINT', onInterrupt);
    process.on('SIGTERM', onInterrupt);
  };
  // Every SSH command, probe and wait of a run listens to the run's signals (or
  // to signals made from them), dozens at once on a large fleet: by design, not a leak.
  setMaxListeners(0);
  // A reader that goes away (`| head`, a closed terminal) must not kill a
  // rollout halfway: the output is lost, the run goes on and is journaled.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    });
  }
  try {
    process.exitCode = await runCli(process.argv.slice(2), undefined, {
      signal: stop.signal,
      forceSignal: force.signal,
      onStoppableCommand: takeOverInterrupts,
    });
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}

function isEntryPoint(moduleUrl: string, script: string | undefined): boolean {
  if (script === undefined) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(resolve(script));
  } catch {
    return false;
  }
}

// `tsx src/cli/main.ts` (npm run lieutenant) runs it directly; bin/lieutenant.js calls main().
if (isEntryPoint(import.meta.url, process.argv[1])) await main();
