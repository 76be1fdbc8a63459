/**
 * "A commit that was reverted is never re-applied automatically." Between
 * the deployed commit and HEAD, a rollout's files may differ only because of
 * commits that were reverted again (and their reverts) — e.g. a revert that
 * resolved a conflict slightly differently. Those ranges carry no release
 * anybody still wants, so watch does not run them.
 */
import { isReverted } from '../../gitops/changes.js';
import { gitAt } from '../../records/git/git.js';

const REVERTS = /This reverts commit ([0-9a-f]{40,64})/;
const RECORD = '\u001e';
const FIELD = '\u001f';

/**
 * True when every commit in `fromSha..toSha` touching `paths` is cancelled:
 * reverted later in the range (and that revert not reverted itself), or a
 * revert of a commit inside the range. False when no commit touches them.
 */
export async function changesCancelled(
  repoDir: string,
  fromSha: string,
  toSha: string,
  paths: readonly string[],
): Promise<boolean> {
  const git = gitAt(repoDir);
  const log = await git.raw(['log', `--format=%H${FIELD}%B${RECORD}`, `${fromSha}..${toSha}`, '--', ...paths]);
  const commits = log
    .split(RECORD)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [sha = '', body = ''] = entry.split(FIELD);
      return { sha, revertOf: REVERTS.exec(body)?.[1] };
    });
  if (commits.length === 0) return false;
  const inRange = new Set(commits.map((commit) => commit.sha));
  for (const commit of commits) {
    const cancelled =
      (commit.revertOf !== undefined && inRange.has(commit.revertOf)) || (await isReverted(repoDir, commit.sha, toSha));
    if (!cancelled) return false;
  }
  return true;
}
