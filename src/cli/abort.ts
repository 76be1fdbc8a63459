/**
 * `lieutenant abort [RUN]`: answers a waiting pause gate with "stop": the
 * run rolls back what the gate's batch changed (or halts, per the playbook)
 * and ends with exit code 3.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { answerGate, consoleIo } from './approve.js';

export function registerAbort(program: Command): void {
  program
    .command('abort')
    .description('answer a waiting pause gate of a running run: stop, and roll back')
    .argument('[run]', 'run id (default: the only run in progress)')
    .option('--reason <text>', 'why, recorded in the run history')
    .option('--repo <dir>', 'the rollout repo')
    .action(async (run: string | undefined, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<{ reason?: string; repo?: string }>();
      process.exitCode = await answerGate('abort', { repoDir: resolve(options.repo ?? '.'), run, reason: options.reason }, consoleIo);
    });
}
