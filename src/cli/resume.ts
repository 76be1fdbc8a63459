/** `lieutenant resume [RUN] [--yes] [--json]`: finishes an interrupted run. */
import type { Command } from 'commander';
import { resumeService } from '../app/resume-service.js';
import { repoDirOf, type CliContext } from './context.js';
import { watchRun, type RunFlags } from './run.js';

export function register(program: Command, context: CliContext): void {
  program
    .command('resume [run]')
    .description('finishes a run that was interrupted (crash, kill, lost SSH)')
    .option('--yes', 'approve pause gates automatically (never skips a health gate)')
    .option('--json', 'one JSON object per line: events, then a summary')
    .action(async (run: string | undefined, flags: Omit<RunFlags, 'rev'>, command: Command) => {
      const repoDir = repoDirOf(command, context);
      context.setExitCode(
        await watchRun(flags, context, (views) => resumeService({ repoDir, ...(run ? { run } : {}), ...views })),
      );
    });
}
