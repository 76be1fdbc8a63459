/**
 * `lieutenant sync ENV [--reason TEXT] [--commit SHA]`: apply the commit a
 * manual-sync watcher holds as pending. With a watcher present it is asked
 * to (a request pushed through the remote; exit 0 once asked); without one
 * the rollouts run here, at that commit, shown as `run` shows them.
 */
import { ExitCode } from '../core/exit-codes.js';
import type { Command } from 'commander';
import { applySync, prepareSync, requestSync } from '../app/sync-service.js';
import { shortSha } from '../core/sha.js';
import { repoDirOf, type CliContext } from './context.js';
import { reportFailure } from './report.js';
import { watchRun } from './run.js';
import { examples } from './usage.js';

interface SyncFlags {
  reason?: string;
  commit?: string;
  remote?: string;
  yes?: boolean;
  json?: boolean;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('sync <env>')
    .summary('applies the commit a manual-sync watcher holds as pending')
    .addHelpText(
      'after',
      examples([
        ['lieutenant sync production --reason "release 1.4, CAB-112"', 'the watcher applies the pending commit'],
        ['lieutenant sync production --commit 1a2b3c4', 'only if that is still the pending commit'],
      ]),
    )
    .description(
      'applies the pending commit of ENV (sync: manual): asks the watcher holding ENV through the remote, ' +
        'or runs it here when no watcher is present; records who and why',
    )
    .option('--reason <text>', 'why, recorded with your name in history')
    .option('--commit <sha>', 'the commit you reviewed: refused if another is pending now')
    .option('--remote <name>', 'where the pending records are shared (default origin when the clone has it)')
    .option('--yes', 'run here only: approve pause gates (never skips a health gate)')
    .option('--json', 'run here only: one JSON object per line, as run --json')
    .action(async (environment: string, flags: SyncFlags, command: Command) => {
      context.setExitCode(await syncCommand(repoDirOf(command, context), environment, flags, context));
    });
}

async function syncCommand(
  repoDir: string,
  environment: string,
  flags: SyncFlags,
  context: CliContext,
): Promise<number> {
  const { io } = context;
  const reason = flags.reason?.trim();
  const prepared = await prepareSync({
    repoDir,
    environment,
    ...(reason ? { reason } : {}),
    ...(flags.commit !== undefined ? { commit: flags.commit } : {}),
    ...(flags.remote !== undefined ? { remote: flags.remote } : {}),
  });
  if (!prepared.ok) return reportFailure(prepared.error, context);
  const { pending, watcher } = prepared.value;
  const what = `${shortSha(pending.commit)} "${pending.subject}"`;
  if (watcher !== undefined) {
    const asked = await requestSync(prepared.value);
    if (!asked.ok) return reportFailure(asked.error, context);
    io.stdout.write(
      `asked ${watcher.watcher} to apply ${what} to ${environment}; it does on its next cycle (lieutenant status shows when it is in sync)\n`,
    );
    return ExitCode.done;
  }
  io.stderr.write(`no watcher holds ${environment}: applying ${what} here\n`);
  return watchRun(flags, context, (views) => applySync(prepared.value, views));
}
