/**
 * A revision and a checkout, checked before Git reads the specs from them:
 * `--rev` must name one commit, `--repo` must be a checkout (not a bare
 * repository). Every Git call goes through simple-git (the real `git`, an
 * argument vector).
 */
import { stat } from 'node:fs/promises';
import { simpleGit } from 'simple-git';
import type { SimpleGit } from 'simple-git';

/**
 * Why `rev` cannot name one commit, before git sees it: an option, nothing, or
 * a range (`A..B`, `A...B`, `^A`, `A^!`, `A^@`, `A^-`), which `rev-parse`
 * answers with several lines.
 */
export function revisionProblem(rev: string): string | undefined {
  if (rev.trim() === '' || rev.startsWith('-'))
    return `revision "${rev}": not a commit (give a commit SHA, a branch or a tag)`;
  if (rev.includes('..') || rev.startsWith('^') || /\^[!@-]/.test(rev))
    return `revision "${rev}" is a range, not one commit (give a commit SHA, a branch or a tag)`;
  return undefined;
}

/** Full SHA of `rev` as a commit, or undefined when it does not name exactly one (`--quiet`: an empty answer). */
export async function resolveCommit(git: SimpleGit, rev: string): Promise<string | undefined> {
  if (revisionProblem(rev) !== undefined) return undefined;
  try {
    const sha = (await git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`])).trim();
    return /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why `dir` is not a rollout repo checkout Lieutenant can work in, or
 * undefined. A bare repository has no working tree: no `.lieutenant/` state,
 * nothing to commit a revert in.
 */
export async function repositoryProblem(dir: string): Promise<string | undefined> {
  const isDir = await stat(dir).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isDir) return `rollout repo ${dir}: no such directory (give the rollout repo with --repo DIR)`;
  const answer = await simpleGit({ baseDir: dir })
    .raw(['rev-parse', '--is-bare-repository', '--is-inside-work-tree'])
    .then(
      (out) => out.trim().split('\n'),
      () => undefined,
    );
  if (answer === undefined)
    return `rollout repo ${dir}: not a git repository (run "git init" there, or give the rollout repo with --repo DIR)`;
  const [bare, inWorkTree] = answer;
  if (bare === 'true')
    return `rollout repo ${dir} is a bare repository; Lieutenant works in a checkout of it (git clone ${dir}, then --repo the clone)`;
  if (inWorkTree !== 'true')
    return `rollout repo ${dir} is not in a working tree (a .git directory?); give the checkout with --repo DIR`;
  return undefined;
}
