/**
 * `lieutenant history [ENV] [--json]`: past runs — commit, who, when, how
 * long, result, and every answer at a pause gate with its reason. Thin: the
 * runs come from `historyService` (Git notes + local journals), the table
 * from ui/history-text.ts.
 */
import type { Command } from 'commander';
import { historyService } from '../app/history-service.js';
import { formatHistory } from '../ui/history-text.js';
import { repoDirOf } from './context.js';
import type { CliContext } from './context.js';
import { ExitCode } from '../core/exit-codes.js';
import { reportFailure } from './report.js';
import { examples } from './usage.js';

export interface HistoryOptions {
  repoDir: string;
  environment?: string;
  json: boolean;
  /** Read the remote's shared records first (default; --no-fetch: this checkout's only). */
  fetch?: boolean;
}

export function register(program: Command, context: CliContext): void {
  program
    .command('history')
    .summary('past runs: commit, who, when, result, approvals')
    .addHelpText('after', examples([['lieutenant history staging', 'the runs of one environment, newest first']]))
    .description('past runs: commit, who, when, result, approvals')
    .argument('[env]', 'only runs of this environment')
    .option('--json', 'one JSON object per line, newest run first')
    .option('--no-fetch', "only this checkout's records: do not read the remote's notes and sync log")
    .action(async (env: string | undefined, flags: { json?: boolean; fetch: boolean }, command: Command) => {
      const options: HistoryOptions = {
        repoDir: repoDirOf(command, context),
        json: flags.json === true,
        fetch: flags.fetch,
      };
      if (env !== undefined) options.environment = env;
      context.setExitCode(await history(options, context));
    });
}

export async function history(options: HistoryOptions, { io }: Pick<CliContext, 'io'>): Promise<number> {
  const found = await historyService({
    repoDir: options.repoDir,
    ...(options.environment !== undefined ? { environment: options.environment } : {}),
    ...(options.fetch
      ? { fetchShared: { onWarning: (warning: string) => io.stderr.write(`warning: ${warning}\n`) } }
      : {}),
  });
  if (!found.ok) return reportFailure(found.error, { io });
  const entries = found.value;
  if (options.json) {
    for (const entry of entries) io.stdout.write(`${JSON.stringify(entry)}\n`);
  } else if (entries.length === 0) {
    io.stdout.write(options.environment === undefined ? 'no runs yet\n' : `no runs in ${options.environment} yet\n`);
  } else {
    io.stdout.write(formatHistory(entries));
  }
  return ExitCode.done;
}
