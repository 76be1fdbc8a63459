/**
 * `git` as a child process whose exit code and both outputs are kept: a
 * compare-and-swap push tells "someone moved the ref first" (exit 1, a `!`
 * line on stdout with --porcelain) from "the remote cannot be reached" only
 * there — simple-git keeps one of the two.
 */
import { execFile } from 'node:child_process';

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function gitRun(repoDir: string, args: readonly string[], input?: string): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...args],
      { cwd: repoDir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error);
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** The output of a git command that must succeed; its stderr in the error otherwise. */
export async function gitOut(repoDir: string, args: readonly string[], input?: string): Promise<string> {
  const run = await gitRun(repoDir, args, input);
  if (run.code !== 0) throw new Error(`git ${args[0] ?? ''} failed: ${run.stderr.trim() || run.stdout.trim()}`);
  return run.stdout;
}

/** `git push --porcelain` refused a ref because the remote's value was not the one expected. */
export function pushRejected(run: GitRun): boolean {
  return run.code !== 0 && /^!\t/m.test(run.stdout);
}
