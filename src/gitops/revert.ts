/**
 * `lieutenant revert`: Git is how a release is rolled back. This makes the
 * revert commit (and pushes it on request); running the fleet to it is the
 * engine's job. A conflicted revert is undone, leaving the tree as it was.
 */
import type { SimpleGit } from 'simple-git';
import { fail, ok } from '../core/result.js';
import type { Failure, Result } from '../core/result.js';
import { changedPlaybooks, isReverted, playbookInventory } from './changes.js';
import { shortSha } from '../core/sha.js';
import { commitSubject, gitAt, repositoryProblem, uncommittedFiles } from '../records/git/git.js';
import { chooseRevertTarget } from './revert-target.js';
import type { RevertTarget } from './revert-target.js';

export interface RevertOptions {
  /** The commit to revert; default: the last release deployed to `environment`. */
  commit?: string;
  environment?: string;
  rollout?: string;
  push?: boolean;
  /** Where `push` goes; default: the branch's upstream remote, else origin. */
  remote?: string;
}

export interface RevertDone {
  revertSha: string;
  reverted: { sha: string; subject: string };
  /** Playbook files the revert changed, e.g. playbooks/web.yaml. */
  playbooks: string[];
  /** Rollouts to run to apply it (playbook or inventory changed). */
  rollouts: string[];
  /** Set when the revert was pushed. */
  pushedTo?: string;
}

const PLAYBOOK = /^playbooks\/([^/]+)\.yaml$/;

/**
 * `beforeCommit` is asked, once the release to revert is known and before
 * anything is committed, with the rollouts the revert will change; a refusal
 * (a freeze window that allows no rollback) leaves the repository as it was.
 */
export async function revertRelease<E = never>(
  repoDir: string,
  options: RevertOptions = {},
  beforeCommit?: (rollouts: string[]) => Promise<Result<void, E>>,
): Promise<Result<RevertDone, Failure | E>> {
  const notRepo = await repositoryProblem(repoDir);
  if (notRepo !== undefined) return fail(notRepo);
  const git = gitAt(repoDir);
  const branch = (await git.raw(['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
  if (branch === 'HEAD') return fail('HEAD is detached; check out the branch to revert on');
  const dirty = await uncommittedFiles(git);
  if (dirty.length > 0) {
    return fail(`the working tree has uncommitted changes: ${dirty.join(', ')}`, 'commit or stash them, then revert');
  }

  const target = await chooseRevertTarget(git, repoDir, options);
  if (!target.ok) return target;
  const { sha } = target.value;
  const subject = await commitSubject(git, sha);
  const head = (await git.revparse(['HEAD'])).trim();
  if (await isReverted(repoDir, sha, head)) return fail(`${shortSha(sha)} (${subject}) is already reverted`);
  const parents = (await git.raw(['rev-list', '--parents', '-n', '1', sha])).trim().split(' ');
  if (parents.length > 2) return fail(`${shortSha(sha)} is a merge commit; revert the release commit itself`);

  if (beforeCommit) {
    const allowed = await beforeCommit(await changedPlaybooks(repoDir, parents[1], sha));
    if (!allowed.ok) return allowed;
  }

  const made = await makeRevertCommit(git, target.value, subject);
  if (!made.ok) return made;
  const revertSha = (await git.revparse(['HEAD'])).trim();
  const done: RevertDone = {
    revertSha,
    reverted: { sha, subject },
    playbooks: made.value,
    rollouts: await changedPlaybooks(repoDir, `${revertSha}^`, revertSha),
  };
  if (options.push !== true) return ok(done);

  const remote = options.remote ?? (await upstreamRemote(git, branch));
  try {
    await git.raw(['push', '--quiet', remote, `HEAD:refs/heads/${branch}`]);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail(`the revert is committed as ${shortSha(revertSha)}, but pushing it to ${remote} failed`, detail);
  }
  return ok({ ...done, pushedTo: remote });
}

/** Reverts into the index, then commits with a message naming the release; returns the playbooks it changed. */
async function makeRevertCommit(git: SimpleGit, target: RevertTarget, subject: string): Promise<Result<string[]>> {
  const { sha } = target;
  try {
    await git.raw(['revert', '--no-commit', sha]);
  } catch (error) {
    const conflicted = (await git.status()).conflicted;
    await abortRevert(git);
    const where = conflicted.length > 0 ? ` in ${conflicted.join(', ')}` : '';
    const detail = error instanceof Error ? error.message : String(error);
    return fail(
      `reverting ${shortSha(sha)} (${subject}) conflicts with later changes${where}; nothing was changed`,
      detail,
    );
  }
  try {
    const changed = (await git.raw(['diff', '--cached', '--name-only'])).split('\n').filter((p) => p !== '');
    if (changed.length === 0) {
      await abortRevert(git);
      return fail(`reverting ${shortSha(sha)} (${subject}) changes nothing: its changes are already undone`);
    }
    const deletesSpecs = await deletedSpecs(git);
    if (deletesSpecs.length > 0) {
      await abortRevert(git);
      return fail(...refuseDeletingSpecs(sha, subject, deletesSpecs));
    }
    const playbooks = changed.filter((p) => PLAYBOOK.test(p));
    const scope = await describeScope(git, target, playbooks);
    const message = [
      `Revert "${subject}"`,
      '',
      `Rolls back release ${shortSha(sha)} (${subject})${scope === '' ? '' : ` of ${scope}`}.`,
      `This reverts commit ${sha}.`,
    ].join('\n');
    await git.raw(['commit', '--quiet', '--no-verify', '-m', message]);
    return ok(playbooks);
  } catch (error) {
    await abortRevert(git);
    return fail(
      `could not commit the revert of ${shortSha(sha)}`,
      error instanceof Error ? error.message : String(error),
    );
  }
}

const SPEC = /^(playbooks|inventories)\//;

/** Spec files the staged revert deletes: a run of the revert would have no playbook or inventory to read. */
async function deletedSpecs(git: SimpleGit): Promise<string[]> {
  const deleted = await git.raw(['diff', '--cached', '--name-only', '--diff-filter=D']);
  return deleted.split('\n').filter((path) => SPEC.test(path));
}

/**
 * Reverting the commit that created a rollout's specs (the first release)
 * deletes them: no run can apply that, and `status` could no longer read the
 * environment. The fleet is rolled back by committing the versions wanted.
 */
function refuseDeletingSpecs(sha: string, subject: string, deleted: string[]): [string, string] {
  return [
    `reverting ${shortSha(sha)} (${subject}) would delete ${deleted.join(', ')}, which a run needs; nothing was committed`,
    'it created them (the first release?): to roll hosts back, commit the versions you want in the playbook ' +
      'and run it (lieutenant run ROLLOUT); to retire a rollout, delete its playbook in a commit of its own',
  ];
}

/** "staging/web", or every ENV/ROLLOUT the reverted playbooks belong to. */
async function describeScope(git: SimpleGit, target: RevertTarget, playbooks: string[]): Promise<string> {
  if (target.environment !== undefined && target.rollout !== undefined)
    return `${target.environment}/${target.rollout}`;
  const scopes: string[] = [];
  for (const path of playbooks) {
    const rollout = PLAYBOOK.exec(path)?.[1] ?? path;
    const environment = target.environment ?? (await playbookInventory(git, target.sha, path));
    scopes.push(environment === undefined ? rollout : `${environment}/${rollout}`);
  }
  return scopes.join(', ');
}

async function abortRevert(git: SimpleGit): Promise<void> {
  try {
    await git.raw(['revert', '--abort']);
  } catch {
    // Without sequencer state (some git versions after --no-commit), reset the index and tree to HEAD instead.
    await git.raw(['reset', '--merge']);
  }
}

async function upstreamRemote(git: SimpleGit, branch: string): Promise<string> {
  try {
    const remote = (await git.raw(['config', '--get', `branch.${branch}.remote`])).trim();
    return remote === '' ? 'origin' : remote;
  } catch {
    return 'origin';
  }
}
