/**
 * Which commit `lieutenant revert` rolls back when none is named: the newest
 * commit that changed the playbook among those deployed to the environment —
 * walking back from refs/lieutenant/deployed/<env>/<rollout>, because the
 * deployed commit itself may only have touched a README.
 */
import type { SimpleGit } from 'simple-git';
import { fail, ok } from '../core/result.js';
import type { Result } from '../core/result.js';
import { deployedCommits } from '../records/deploy/deployed.js';
import { resolveCommit, revisionProblem } from '../records/git/git.js';

export interface RevertTarget {
  sha: string;
  /** Known when the target was found from deployed state. */
  environment?: string;
  rollout?: string;
}

export async function chooseRevertTarget(
  git: SimpleGit,
  repoDir: string,
  options: { commit?: string; environment?: string; rollout?: string },
): Promise<Result<RevertTarget>> {
  const { commit, environment, rollout } = options;
  if (commit !== undefined) {
    const sha = await resolveCommit(git, commit);
    if (sha === undefined) return fail(revisionProblem(commit) ?? `${commit} is not a commit of the rollout repo`);
    return ok({
      sha,
      ...(environment === undefined ? {} : { environment }),
      ...(rollout === undefined ? {} : { rollout }),
    });
  }
  if (environment === undefined) {
    return fail('name the COMMIT to revert, or the environment whose last release to roll back');
  }
  const deployed = await deployedCommits(repoDir, environment);
  const candidates = rollout === undefined ? [...deployed] : [...deployed].filter(([name]) => name === rollout);
  if (candidates.length === 0) {
    const what = rollout === undefined ? environment : `${environment}/${rollout}`;
    return fail(`nothing has been deployed to ${what} yet`, 'name the COMMIT to revert');
  }

  let newest: { sha: string; time: number; rollout: string } | undefined;
  for (const [name, deployedSha] of candidates) {
    const line = (await git.raw(['log', '-1', '--format=%H %ct', deployedSha, '--', `playbooks/${name}.yaml`])).trim();
    const [sha, time] = line.split(' ');
    if (sha === undefined || time === undefined || sha === '') continue;
    const candidate = { sha, time: Number(time), rollout: name };
    if (newest === undefined || candidate.time > newest.time) newest = candidate;
  }
  if (newest === undefined) {
    return fail(`no deployed commit of ${environment} changed a playbook`, 'name the COMMIT to revert');
  }
  return ok({ sha: newest.sha, environment, rollout: newest.rollout });
}
