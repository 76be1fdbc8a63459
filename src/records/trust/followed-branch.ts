/**
 * The followed branch: the only source of commits Lieutenant runs. A commit
 * is on it when it is the branch's head or in its history — here, or as the
 * remote last showed it (a clone behind the remote still accepts what a
 * teammate deployed from the branch). Anything else a record names is
 * refused (see ignored.ts).
 */
import { gitRun } from '../git/git-run.js';

export interface FollowedBranch {
  /** For people: `main` (`HEAD` when the checkout is detached). */
  name: string;
  /** The heads that count: the local branch's, and its remote-tracking ref's when there is one. */
  tips: string[];
}

/** `branch` (default: the one checked out), with its remote-tracking head on `remote` when known. */
export async function followedBranch(
  repoDir: string,
  options: { branch?: string; remote?: string } = {},
): Promise<FollowedBranch> {
  const checkedOut = await gitRun(repoDir, ['symbolic-ref', '-q', '--short', 'HEAD']).catch(() => undefined);
  const name = options.branch ?? (checkedOut?.code === 0 ? checkedOut.stdout.trim() : '');
  if (name === '') return { name: 'HEAD', tips: await commits(repoDir, ['HEAD']) };
  const refs = [`refs/heads/${name}`, ...(options.remote ? [`refs/remotes/${options.remote}/${name}`] : [])];
  return { name, tips: await commits(repoDir, refs) };
}

/** The followed branch with the remote's head of it just fetched, so what a teammate pushed and deployed is on it. */
export async function fetchFollowedBranch(
  repoDir: string,
  remote: string,
  name: string | undefined,
): Promise<FollowedBranch> {
  const local = await followedBranch(repoDir, name ? { branch: name } : {});
  if (local.name !== 'HEAD') {
    const refspec = `+refs/heads/${local.name}:refs/remotes/${remote}/${local.name}`;
    // Best effort: a remote without the branch leaves the local head the only tip.
    await gitRun(repoDir, ['fetch', '--quiet', '--no-tags', '--end-of-options', remote, refspec]).catch(
      () => undefined,
    );
  }
  return followedBranch(repoDir, { ...(name ? { branch: name } : {}), remote });
}

/** True when `sha` is a tip of the branch or in the history of one. */
export async function onBranch(repoDir: string, branch: FollowedBranch, sha: string): Promise<boolean> {
  for (const tip of branch.tips) {
    const run = await gitRun(repoDir, ['merge-base', '--is-ancestor', '--end-of-options', sha, tip]).catch(
      () => undefined,
    );
    if (run?.code === 0) return true;
  }
  return false;
}

async function commits(repoDir: string, refs: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const ref of refs) {
    const run = await gitRun(repoDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
    if (run.code === 0 && run.stdout.trim() !== '') found.push(run.stdout.trim());
  }
  return found;
}
