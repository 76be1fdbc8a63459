/**
 * What every command receives from main.ts: where to write, where it runs,
 * the signal that stops it, and how to ask for an exit status. One per
 * invocation (no module state), so tests run the CLI in-process.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';

export interface CliStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
}

export interface CliContext {
  io: CliIo;
  /** The directory relative paths (and the default --repo) are taken from. */
  cwd: string;
  /** Aborted on Ctrl-C: stop cleanly between steps. */
  signal: AbortSignal;
  /** Aborted on a second Ctrl-C: a run abandons the steps in flight. */
  forceSignal: AbortSignal;
  /** The exit status the command ends with (1 failed, 3 aborted, 4 locked); 0 unless set. */
  setExitCode(code: number): void;
}

/** `--repo DIR` (a global option, accepted on every command) as an absolute path; default the current directory. */
export function repoDirOf(command: Command, context: CliContext): string {
  const { repo } = command.optsWithGlobals<{ repo?: string }>();
  return resolve(context.cwd, repo ?? '.');
}
