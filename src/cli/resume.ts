/** `lieutenant resume [RUN] [--yes] [--json]`: finishes an interrupted run. */
import type { Command } from 'commander';
import { resumeService } from '../app/resume-service.js';
import { repoDirOf, type CliContext } from './context.js';
import { watchRun, type RunFlags } from './run.js';
import { examples } from './usage.js';
import { addFreezeFlags, freezeOverride } from './freeze-flags.js';
import { addLockFlags } from './lock-flags.js';

export function register(program: Command, context: CliContext): void {
  const command = program
    .command('resume [run]')
    .summary('finishes a run that was interrupted')
    .addHelpText(
      'after',
      examples([
        ['lieutenant resume', 'the only interrupted run'],
        ['lieutenant resume 20261122T130501Z-web-3f2a --yes', 'a named one, gates auto-approved'],
      ]),
    )
    .description('finishes a run that was interrupted (crash, kill, lost SSH)')
    .option('--yes', 'approve pause gates automatically (never skips a health gate)')
    .option('--json', 'one JSON object per line: events, then a summary');
  addFreezeFlags(addLockFlags(command)).action(
    async (run: string | undefined, flags: Omit<RunFlags, 'rev'>, self: Command) => {
      const repoDir = repoDirOf(self, context);
      const override = freezeOverride(flags);
      context.setExitCode(
        await watchRun(flags, context, (views) =>
          resumeService({
            repoDir,
            ...(run ? { run } : {}),
            ...views,
            ...(override ? { overrideFreeze: override } : {}),
          }),
        ),
      );
    },
  );
}
