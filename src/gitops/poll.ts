/**
 * The polling half of `watch`: fetch the followed branch and fast-forward the
 * local one to it. Never merges and never discards work: a dirty tree or a
 * local branch that has its own commits is refused, as a value.
 */
import { fail, ok } from '../core/result.js';
import type { Result } from '../core/result.js';
import { shortSha } from '../core/sha.js';
import { gitAt, isAncestor, resolveCommit, uncommittedFiles } from '../records/git/git.js';

export interface PollOptions {
  remote: string;
  branch: string;
  signal?: AbortSignal;
}

export interface PollOutcome {
  /** The local branch before, undefined when it did not exist. */
  before: string | undefined;
  /** The local branch now (= the remote branch). Equal to `before` when nothing new arrived. */
  after: string;
}

export async function pollRemote(repoDir: string, options: PollOptions): Promise<Result<PollOutcome>> {
  const { remote, branch, signal } = options;
  const git = gitAt(repoDir, signal);
  const local = `refs/heads/${branch}`;
  const tracking = `refs/remotes/${remote}/${branch}`;

  const checkedOut = (await git.raw(['symbolic-ref', '-q', 'HEAD']).catch(() => '')).trim() === local;
  if (checkedOut) {
    const dirty = await uncommittedFiles(git);
    if (dirty.length > 0) return fail(`not following ${remote}/${branch}: uncommitted changes in ${dirty.join(', ')}`);
  }
  try {
    await git.raw(['fetch', '--quiet', '--no-tags', remote, `+${local}:${tracking}`]);
  } catch (error) {
    return fail(`git fetch ${remote} ${branch} failed`, error instanceof Error ? error.message : String(error));
  }
  const after = await resolveCommit(git, tracking);
  if (after === undefined) return fail(`${remote} has no branch ${branch}`);
  const before = await resolveCommit(git, local);
  if (before === after) return ok({ before, after });

  if (before !== undefined && !(await isAncestor(git, before, after))) {
    const ahead = await isAncestor(git, after, before);
    return fail(
      ahead
        ? `local ${branch} (${shortSha(before)}) has commits ${remote}/${branch} lacks; push them first`
        : `local ${branch} (${shortSha(before)}) has diverged from ${remote}/${branch} (${shortSha(after)})`,
      'watch only fast-forwards; it never merges or drops commits',
    );
  }
  if (checkedOut) {
    await git.raw(['merge', '--ff-only', '--quiet', tracking]);
  } else {
    // Compare-and-swap: fails if someone moved the branch meanwhile.
    await git.raw(['update-ref', local, after, before ?? '0'.repeat(40)]);
  }
  return ok({ before, after });
}
