/**
 * The remote's deployed refs, brought in only where they name a commit of
 * the followed branch. A clone that can push can point
 * `refs/lieutenant/deployed/<env>/<rollout>` anywhere; taken as is, status
 * would show false drift and self-heal would "heal" the fleet to that
 * commit. So they are fetched aside (`refs/lieutenant-incoming/deployed/`),
 * and each is adopted, left alone, or refused and reported.
 */
import { fail, ok, type Result } from '../../core/result.js';
import { gitRun } from '../git/git-run.js';
import { fetchFollowedBranch, onBranch, type FollowedBranch } from './followed-branch.js';
import { notOnBranch, type IgnoredRecord } from './ignored.js';

const DEPLOYED = 'refs/lieutenant/deployed';
const INCOMING = 'refs/lieutenant-incoming/deployed';

export interface Adoption {
  /** Our refs that moved. */
  adopted: string[];
  /** The remote's refs refused, with why (as they are named on the remote). */
  ignored: IgnoredRecord[];
}

/**
 * `remote-wins`: every accepted ref replaces ours (the remote says what the
 * fleet runs now — a rollback may move one back); `ahead-only`: only a ref
 * ahead of ours is taken (a watcher's own record is never moved back).
 */
export async function adoptDeployedRefs(
  repoDir: string,
  remote: string,
  options: { policy: 'remote-wins' | 'ahead-only'; branch?: string },
): Promise<Result<Adoption>> {
  const fetched = await gitRun(repoDir, [
    'fetch',
    '--quiet',
    '--no-tags',
    '--prune',
    '--end-of-options',
    remote,
    `+${DEPLOYED}/*:${INCOMING}/*`,
  ]);
  if (fetched.code !== 0) return fail(`git fetch ${remote} (deployed refs) failed`, fetched.stderr.trim());
  const branch = await fetchFollowedBranch(repoDir, remote, options.branch);
  const adoption: Adoption = { adopted: [], ignored: [] };
  for (const { name, sha } of await refsUnder(repoDir, INCOMING)) {
    const ours = `${DEPLOYED}/${name}`;
    const mine = (await refsUnder(repoDir, ours)).find((ref) => ref.name === '')?.sha;
    if (mine === sha) continue;
    if (!(await onBranch(repoDir, branch, sha))) {
      adoption.ignored.push({ ref: ours, commit: sha, reason: notOnBranch(branch.name) });
      continue;
    }
    if (options.policy === 'ahead-only' && mine !== undefined && !(await isAncestor(repoDir, mine, sha))) continue;
    await gitRun(repoDir, ['update-ref', '-m', `lieutenant: deployed on ${remote}`, ours, sha]);
    adoption.adopted.push(ours);
  }
  return ok(adoption);
}

/** Deployed commits whose record names a commit off the branch: the ref is reported, its commit not used. */
export async function screenDeployed(
  repoDir: string,
  branch: FollowedBranch,
  ref: string,
  sha: string | undefined,
): Promise<{ sha: string | undefined; ignored?: IgnoredRecord }> {
  if (sha === undefined || (await onBranch(repoDir, branch, sha))) return { sha };
  return { sha: undefined, ignored: { ref, commit: sha, reason: notOnBranch(branch.name) } };
}

/** Refs under `prefix` (or `prefix` itself, as name ''), each with its object. */
async function refsUnder(repoDir: string, prefix: string): Promise<Array<{ name: string; sha: string }>> {
  const run = await gitRun(repoDir, ['for-each-ref', '--format=%(refname) %(objectname)', prefix]);
  if (run.code !== 0) return [];
  return run.stdout.split('\n').flatMap((line) => {
    const [ref, sha] = line.trim().split(' ');
    if (ref === undefined || sha === undefined) return [];
    if (ref === prefix) return [{ name: '', sha }];
    return ref.startsWith(`${prefix}/`) ? [{ name: ref.slice(prefix.length + 1), sha }] : [];
  });
}

async function isAncestor(repoDir: string, ancestor: string, descendant: string): Promise<boolean> {
  const run = await gitRun(repoDir, ['merge-base', '--is-ancestor', '--end-of-options', ancestor, descendant]);
  return run.code === 0;
}
