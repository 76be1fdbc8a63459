/**
 * `lieutenant run PLAYBOOK [--yes] [--json] [--rev REV]`. Picks the view —
 * the Ink TUI on a terminal, plain lines otherwise, `--json` on request — and
 * hands it to the run service. Ctrl-C once stops safely, twice forces.
 */
import type { Command } from 'commander';
import type { AppFailure } from '../app/failure.js';
import { runService, type RunDone, type RunViews } from '../app/run-service.js';
import type { Result } from '../core/result.js';
import type { RunEventListener } from '../engine/index.js';
import { createJsonRenderer } from '../ui/json.js';
import { createLineRenderer } from '../ui/lines.js';
import { repoDirOf, type CliContext } from './context.js';
import { reportFailure } from './report.js';
import { interruptions } from './interrupt.js';
import type { Approver } from '../engine/index.js';
import type { RunTuiHandle } from '../ui/tui/render.js';
import { examples } from './usage.js';
import { addFreezeFlags, freezeOverride, type FreezeFlags } from './freeze-flags.js';
import { addLockFlags, coordinationOf, type LockFlags } from './lock-flags.js';

export interface RunFlags extends FreezeFlags, LockFlags {
  yes?: boolean;
  json?: boolean;
  rev: string;
  /** `--push [REMOTE]`: true for the default remote (origin). */
  push?: boolean | string;
  /** `--include-cordoned`: run cordoned hosts too. */
  includeCordoned?: boolean;
}

export function register(program: Command, context: CliContext): void {
  const command = program
    .command('run <playbook>')
    .summary('rolls the committed versions out, batch by batch')
    .addHelpText(
      'after',
      examples([
        ['lieutenant run web', 'the TUI on a terminal, plain lines otherwise'],
        ['lieutenant run web --yes --json', 'headless: gates auto-approved, JSON lines'],
        ['lieutenant run web --push', 'then share the note and deployed refs via origin'],
      ]),
    )
    .description('executes the rollout; Ink TUI when stdout is a terminal, plain lines otherwise')
    .option('--yes', 'approve pause gates automatically (never skips a health gate)')
    .option('--json', 'one JSON object per line: events, then a summary')
    .option('--rev <rev>', 'the revision to run', 'HEAD')
    .option('--push [remote]', 'push the run note and the deployed ref to the remote afterwards (default origin)')
    .option('--include-cordoned', 'run cordoned hosts like any other (you mean it)');
  addFreezeFlags(addLockFlags(command)).action(async (playbook: string, flags: RunFlags, command: Command) => {
    context.setExitCode(await runCommand(repoDirOf(command, context), playbook, flags, context));
  });
}

export async function runCommand(
  repoDir: string,
  playbook: string,
  flags: RunFlags,
  context: CliContext,
): Promise<number> {
  const override = freezeOverride(flags);
  return watchRun(flags, context, (views) =>
    runService({
      repoDir,
      playbook,
      rev: flags.rev,
      ...views,
      includeCordoned: flags.includeCordoned === true,
      ...(override ? { freeze: { override } } : {}),
    }),
  );
}

/**
 * Sets up the views and Ctrl-C for a run (or a resumed one) and returns its
 * exit code: the Ink TUI on a terminal (mounted once the plan is known, so
 * earlier warnings print plainly), `--json`, or plain lines.
 */
export async function watchRun(
  flags: Omit<RunFlags, 'rev'>,
  context: CliContext,
  start: (views: RunViews) => Promise<Result<RunDone, AppFailure>>,
): Promise<number> {
  const { io } = context;
  const interactive = !flags.json && io.stdout.isTTY === true && process.stdin.isTTY === true;
  let tui: RunTuiHandle | undefined;
  // Ink and React cost half a second to load: only an interactive run pays it.
  if (interactive) tellInkItIsATerminal();
  const renderRunTui = interactive ? (await import('../ui/tui/render.js')).renderRunTui : undefined;
  const interrupt = interruptions(context, (force) => {
    if (!flags.json && !tui)
      io.stderr.write(
        force
          ? 'forcing: abandoning steps in flight\n'
          : 'stopping: finishing hosts in flight… (Ctrl-C again to force)\n',
      );
  });
  const listener: RunEventListener = flags.json
    ? createJsonRenderer(io.stdout)
    : interactive
      ? (event) => tui?.onEvent(event)
      : createLineRenderer(io.stdout);
  const tuiApprover: Approver = {
    await: (request, signal) => (tui ? tui.approver.await(request, signal) : new Promise(() => {})),
  };
  try {
    const done = await start({
      yes: flags.yes === true,
      ...(flags.push ? { pushTo: flags.push === true ? 'origin' : flags.push } : {}),
      coordination: coordinationOf(flags),
      approvers: interactive ? [tuiApprover] : [],
      listeners: [listener],
      onPlan: () => {
        tui = renderRunTui?.({ onInterrupt: () => interrupt.press() });
      },
      onWarning: (warning) => io.stderr.write(`warning: ${warning}\n`),
      stop: interrupt.stop,
      force: interrupt.force,
    });
    if (tui) {
      await tui.waitUntilExit();
      tui.unmount();
    }
    if (!done.ok) return reportFailure(done.error, context);
    return done.value.outcome.exitCode;
  } finally {
    tui?.unmount();
    interrupt.dispose();
  }
}

/**
 * Ink draws no live frames when the environment says CI (CI=true), only the
 * last one at exit. Whether a run is interactive is decided here — stdout and
 * stdin are terminals — so an operator with CI set in their shell still sees
 * the run. Must run before Ink is first loaded (it reads the variable then).
 */
function tellInkItIsATerminal(): void {
  for (const key of ['CI', 'CONTINUOUS_INTEGRATION']) if (process.env[key] !== undefined) process.env[key] = 'false';
}
