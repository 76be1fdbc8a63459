/**
 * The real `lieutenant` as a process of its own — `node bin/lieutenant.js
 * ARGS --repo DIR`, stdout and stderr pipes (not a terminal) — for what the
 * in-process runner (lieutenant.ts) cannot show: a second process answering a
 * run's gate, and a run killed with SIGKILL mid-step. Each starts in its own
 * process group, so a kill reaches anything it spawned, and nothing else.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RolloutRepo } from './rollout-repo.js';

export const LIEUTENANT_BIN = fileURLToPath(new URL('../../../bin/lieutenant.js', import.meta.url));

export interface ProcessExit {
  /** null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertion messages and "the output names X". */
  output: string;
}

export interface LieutenantProcess {
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<ProcessExit>;
  /** SIGKILL to its whole process group (kill -9 -PGID); resolves once it is gone. */
  killHard(): Promise<ProcessExit>;
}

export interface ProcessOptions {
  repo: Pick<RolloutRepo, 'dir'>;
}

/** Starts `lieutenant ARGS --repo DIR` in the repo as a detached process group. */
export function spawnLieutenant(args: readonly string[], { repo }: ProcessOptions): LieutenantProcess {
  // CI=true would make Ink print only its last frame; these runs are not interactive anyway, but keep the env honest.
  const { CI: _ci, CONTINUOUS_INTEGRATION: _cont, ...env } = process.env;
  const child = spawn(process.execPath, [LIEUTENANT_BIN, ...args, '--repo', repo.dir], {
    cwd: repo.dir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { pid } = child;
  if (pid === undefined) throw new Error(`could not start ${LIEUTENANT_BIN}`);
  const out: string[] = [];
  const err: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk));
  const stdout = () => out.join('');
  const stderr = () => err.join('');
  const exited = new Promise<ProcessExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: stdout(), stderr: stderr(), output: `${stdout()}\n${stderr()}` }),
    );
  });
  return {
    pid,
    stdout,
    stderr,
    exited,
    killHard() {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
      return exited;
    },
  };
}

/** Runs `lieutenant ARGS --repo DIR` as a process to its end. */
export function runLieutenantProcess(args: readonly string[], options: ProcessOptions): Promise<ProcessExit> {
  return spawnLieutenant(args, options).exited;
}

/** The `--json` lines of a command's stdout, parsed. */
export function jsonLinesOf(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
