/** The two halves of `lieutenant revert`: the revert commit, then (with --run) the run that applies it. */
import { revertRelease, type RevertDone, type RevertOptions } from '../gitops/revert.js';
import { deployedCommits } from '../gitops/deployed.js';
import { loadRepo } from '../spec/repo.js';
import { newRunId } from '../adapters/journal/index.js';
import type { Result } from '../engine/result.js';
import { badInput, type AppFailure } from './failure.js';
import { loadSpec } from './plan-service.js';
import { conductRun, type RunDone, type RunViews } from './run-service.js';

async function commit(options: RevertOptions & { repoDir: string }): Promise<Result<RevertDone, AppFailure>> {
  if (!options.commit && !options.environment) {
    const deployed = await deployedEnvironments(options.repoDir);
    if (deployed.length !== 1) {
      const which = deployed.length === 0 ? 'nothing has been deployed from this repo yet' : `releases are deployed to ${deployed.join(', ')}`;
      return { ok: false, error: badInput(`${which}: name the COMMIT to revert, or --env ENVIRONMENT`) };
    }
    options = { ...options, environment: deployed[0] };
  }
  const done = await revertRelease(options.repoDir, options);
  if (done.ok) return done;
  return { ok: false, error: badInput(done.error.message, done.error.detail ? [done.error.detail] : []) };
}

/** Runs one reverted playbook at HEAD (the revert commit); `fast` drops pause gates, never health gates. */
async function run(request: RunViews & { repoDir: string; rollout: string; fast: boolean }): Promise<Result<RunDone, AppFailure>> {
  const loaded = await loadSpec({ repoDir: request.repoDir, playbook: request.rollout });
  if (!loaded.ok) return loaded;
  const rollout = loaded.value.rollout;
  const strategy = request.fast ? { ...rollout.strategy, pause: { kind: 'none' as const } } : rollout.strategy;
  return conductRun(request, { ...rollout, strategy }, { runId: newRunId(rollout.rollout, new Date()) });
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
