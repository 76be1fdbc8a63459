/** The two halves of `lieutenant revert`: the revert commit, then (with --run) the run that applies it. */
import { revertRelease, type RevertDone, type RevertOptions } from '../gitops/revert.js';
import { deployedCommits } from '../records/deploy/deployed.js';
import { loadRepo, loadRollout } from '../spec/repo.js';
import { okVoid, type Result } from '../core/result.js';
import { freezeBeforeRun } from './freeze/before-run.js';
import { badInput, type AppFailure } from './failure.js';
import { runService, type RunDone, type RunViews } from './run-service.js';

async function commit(
  options: RevertOptions & { repoDir: string; forRun?: { overrideFreeze?: { reason: string } } },
): Promise<Result<RevertDone, AppFailure>> {
  if (!options.commit && !options.environment) {
    const deployed = await deployedEnvironments(options.repoDir);
    if (deployed.length !== 1) {
      const which =
        deployed.length === 0
          ? 'nothing has been deployed from this repo yet'
          : `releases are deployed to ${deployed.join(', ')}`;
      return { ok: false, error: badInput(`${which}: name the COMMIT to revert, or --env ENVIRONMENT`) };
    }
    options = { ...options, environment: deployed[0] };
  }
  const { forRun } = options;
  const done = await revertRelease(
    options.repoDir,
    options,
    forRun && ((rollouts) => rollbackAllowed(options.repoDir, rollouts, forRun.overrideFreeze)),
  );
  if (done.ok) return done;
  const { error } = done;
  if ('exitCode' in error) return { ok: false, error };
  return { ok: false, error: badInput(error.message, error.detail ? [error.detail] : []) };
}

/**
 * With --run, a freeze window that allows no rollback refuses before the
 * revert is committed: the branch is not left ahead of a fleet nobody may
 * roll back. The run itself checks again, at the revert commit.
 */
async function rollbackAllowed(
  repoDir: string,
  rollouts: string[],
  override: { reason: string } | undefined,
): Promise<Result<void, AppFailure>> {
  for (const name of rollouts) {
    const loaded = await loadRollout(repoDir, name);
    if (!loaded.ok) continue; // the run reports a spec that does not load
    const frozen = await freezeBeforeRun(repoDir, loaded.value.rollout, {
      rollback: true,
      ...(override ? { override } : {}),
    });
    if (!frozen.ok) return frozen;
  }
  return okVoid;
}

/**
 * Runs one reverted playbook at the revert commit, through the same service
 * as `run` (lock, interrupted-run guard, journal, note); `fast` drops pause
 * gates, never health gates.
 */
async function run(
  request: RunViews & {
    repoDir: string;
    rollout: string;
    revertSha: string;
    fast: boolean;
    overrideFreeze?: { reason: string };
  },
): Promise<Result<RunDone, AppFailure>> {
  return runService({
    ...request,
    playbook: request.rollout,
    rev: request.revertSha,
    skipPauses: request.fast,
    supersede: true,
    // A revert takes the fleet back to the release before: a rollback, which freeze windows allow by default.
    freeze: { rollback: true, ...(request.overrideFreeze ? { override: request.overrideFreeze } : {}) },
  });
}

export const revertService = { commit, run };

/** Environments of the repo with at least one deployed rollout. */
async function deployedEnvironments(repoDir: string): Promise<string[]> {
  const repo = await loadRepo(repoDir);
  if (!repo.ok) return [];
  const environments: string[] = [];
  for (const environment of repo.value.inventories.keys()) {
    if ((await deployedCommits(repoDir, environment)).size > 0) environments.push(environment);
  }
  return environments;
}
