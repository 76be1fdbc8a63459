/**
 * `lieutenant cordon TARGET --reason TEXT [--for DURATION] [--env ENV]` and
 * `lieutenant uncordon TARGET [--env ENV]`: leave a host, a group or an
 * environment alone — shared through the rollout repo's remote.
 */
import type { Command } from 'commander';
import { cordon, cordonDuration, uncordon } from '../app/cordon-service.js';
import { repoDirOf, type CliContext } from './context.js';
import { AbortError } from './errors.js';
import { reportFailure } from './report.js';
import { examples } from './usage.js';

interface CordonFlags {
  reason: string;
  for?: string;
  env?: string;
  remote?: string;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('cordon <target>')
    .summary('leave a host, group or environment alone: runs, drift alerts and self-heal skip it')
    .addHelpText(
      'after',
      examples([
        ['lieutenant cordon web-03 --reason "debugging a leak" --for 4h', 'one host, expiring by itself'],
        ['lieutenant cordon db --env production --reason "migration"', 'a group, until uncordoned'],
      ]),
    )
    .description(
      "records a cordon (who, why, since, until) on the rollout repo's remote; run, watch and self-heal skip the target (run --include-cordoned does not)",
    )
    .requiredOption('--reason <text>', 'why: shown in plan, run, status and /metrics')
    .option('--for <duration>', 'expires by itself after this long: 90m, 8h, 2d (at most 30d)')
    .option('--env <env>', 'the environment, when the name is in more than one')
    .option('--remote <remote>', 'share it on this remote (default origin; none: this checkout only)')
    .action(async (target: string, flags: CordonFlags, command: Command) => {
      const forMs = flags.for === undefined ? undefined : cordonDuration(flags.for);
      if (flags.for !== undefined && forMs === undefined)
        throw new AbortError(`--for ${flags.for} is not a duration such as 90m, 8h or 2d (at most 30d)`);
      const done = await cordon({
        repoDir: repoDirOf(command, context),
        target,
        reason: flags.reason,
        now: Date.now(),
        ...(forMs === undefined ? {} : { forMs }),
        ...(flags.env ? { environment: flags.env } : {}),
        ...(flags.remote ? { remote: flags.remote } : {}),
      });
      if (!done.ok) return context.setExitCode(reportFailure(done.error, context));
      const { cordon: entry, environment, remote } = done.value;
      context.io.stdout.write(
        `cordoned ${entry.kind} ${entry.target} in ${environment} by ${entry.by}: ${entry.reason}` +
          `${entry.until ? ` (until ${entry.until})` : ' (until uncordoned)'}${remote ? `; shared on ${remote}` : ''}\n`,
      );
    });

  program
    .command('uncordon <target>')
    .summary('undo a cordon: runs, drift alerts and self-heal see the target again')
    .addHelpText('after', examples([['lieutenant uncordon web-03', 'web-03 is rolled out to again']]))
    .description("removes the target's cordon from the rollout repo's remote")
    .option('--env <env>', 'the environment, when the name is in more than one')
    .option('--remote <remote>', 'the remote the cordon is shared on (default origin)')
    .action(async (target: string, flags: Omit<CordonFlags, 'reason' | 'for'>, command: Command) => {
      const done = await uncordon({
        repoDir: repoDirOf(command, context),
        target,
        now: Date.now(),
        ...(flags.env ? { environment: flags.env } : {}),
        ...(flags.remote ? { remote: flags.remote } : {}),
      });
      if (!done.ok) return context.setExitCode(reportFailure(done.error, context));
      context.io.stdout.write(`uncordoned ${target} in ${done.value.environment}\n`);
    });
}
