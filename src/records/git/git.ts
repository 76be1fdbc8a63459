/**
 * The one Git client of Lieutenant's records. Every Git operation goes
 * through simple-git, which runs the real `git` with an argument vector.
 */
import { hostname } from 'node:os';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';
import { resolveCommit } from '../../spec/revision.js';

// Reading the rollout repo at a revision is the spec's first step, so these
// three live with it (spec/ imports nothing that writes records).
export { repositoryProblem, resolveCommit, revisionProblem } from '../../spec/revision.js';

/** `signal` kills a running git process when it aborts (watch stopping on Ctrl-C). */
export function gitAt(repoDir: string, signal?: AbortSignal): SimpleGit {
  return simpleGit(signal === undefined ? { baseDir: repoDir } : { baseDir: repoDir, abort: signal });
}

export async function commitSubject(git: SimpleGit, sha: string): Promise<string> {
  return (await git.raw(['show', '-s', '--format=%s', sha])).trim();
}

/** True when `ancestor` is `descendant` or one of its ancestors. */
export async function isAncestor(git: SimpleGit, ancestor: string, descendant: string): Promise<boolean> {
  // Not `merge-base --is-ancestor`: simple-git only rejects when git also
  // writes to stderr, and that answer is a silent exit code.
  try {
    const base = (await git.raw(['merge-base', ancestor, descendant])).trim();
    return base !== '' && base === (await resolveCommit(git, ancestor));
  } catch {
    return false;
  }
}

/**
 * `-c user.name/-c user.email` when the repo has no committer identity, so
 * writing notes works on a host nobody configured (a CI runner, `watch`).
 */
export async function identityFallback(git: SimpleGit): Promise<string[]> {
  try {
    await git.raw(['var', 'GIT_COMMITTER_IDENT']);
    return [];
  } catch {
    return ['-c', 'user.name=Lieutenant', '-c', `user.email=lieutenant@${hostname()}`];
  }
}

/**
 * Tracked files with uncommitted changes, staged or not. Untracked files do
 * not count: they change neither a revert nor a fast-forward, and
 * `.lieutenant/` (locks, journals) is untracked in most rollout repos.
 */
export async function uncommittedFiles(git: SimpleGit): Promise<string[]> {
  const status = await git.status(['--untracked-files=no']);
  return status.files.map((f) => f.path);
}
