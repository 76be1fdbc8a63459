/**
 * Asked by a watcher's run once it holds the environment's lock, with the
 * remote's deployed refs and notes just fetched: did another watcher (or an
 * operator) apply this commit while this one waited? Then it is not run
 * again — a pushed commit runs once, whichever clone's watcher gets to it.
 */
import { deployedCommit, runRecords } from '../../records/deploy/deployed.js';
import { fetchDeployState } from '../../records/deploy/fetch-deploy-state.js';
import { shortSha } from '../../core/sha.js';

export async function alreadyDone(
  repoDir: string,
  remote: string | undefined,
  run: { rollout: string; environment: string; rev: string },
): Promise<string | undefined> {
  if (remote !== undefined) await fetchDeployState(repoDir, remote);
  const { rollout, environment, rev } = run;
  if ((await deployedCommit(repoDir, environment, rollout)) === rev)
    return `${rollout} is already deployed at ${shortSha(rev)} in ${environment}; not running it again`;
  const tried = (await runRecords(repoDir, { environment })).findLast((r) => r.rollout === rollout && r.commit === rev);
  return tried
    ? `run ${tried.runId} already tried ${shortSha(rev)} (${tried.result}); not running it again`
    : undefined;
}
