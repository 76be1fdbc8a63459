/** `lieutenant status [ENV] [--json]`: installed vs deployed versions, drift, rotation, lock, last run. */
import type { Command } from 'commander';
import { statusExitCode, statusService } from '../app/status-service.js';
import { statusText } from '../ui/status-text.js';
import { repoDirOf, type CliContext } from './context.js';
import { reportFailure } from './report.js';
import { examples } from './usage.js';

export function register(program: Command, context: CliContext): void {
  program
    .command('status [env]')
    .summary('installed vs deployed versions, drift, rotation, lock')
    .addHelpText(
      'after',
      examples([
        ['lieutenant status', 'every environment'],
        ['lieutenant status staging --json', 'one JSON line per host, then the environment'],
      ]),
    )
    .description(
      'what runs where: installed vs deployed versions, drift, hosts out of rotation, the last run; ' +
        'exits 1 when a host is unreachable, not serving or out of rotation, 6 when the fleet differs from Git ' +
        '(drift, a rollout not deployed, a pending sync)',
    )
    .option('--json', 'one JSON object per line: hosts, then environments')
    .option(
      '--no-fetch',
      "only this checkout's records: do not read the remote's deployed refs, notes and sync records",
    )
    .action(async (environment: string | undefined, flags: { json?: boolean; fetch: boolean }, command: Command) => {
      const { io } = context;
      const report = await statusService({
        repoDir: repoDirOf(command, context),
        ...(environment ? { environment } : {}),
        signal: context.signal,
        ...(flags.fetch ? { fetchShared: { onWarning: (warning) => io.stderr.write(`warning: ${warning}\n`) } } : {}),
      });
      if (!report.ok) return context.setExitCode(reportFailure(report.error, context));
      if (flags.json) {
        for (const host of report.value.hosts) io.stdout.write(`${JSON.stringify({ type: 'host', ...host })}\n`);
        for (const env of report.value.environments)
          io.stdout.write(`${JSON.stringify({ type: 'environment', ...env })}\n`);
      } else {
        io.stdout.write(`${statusText(report.value).join('\n')}\n`);
      }
      context.setExitCode(statusExitCode(report.value));
    });
}
