/**
 * The freeze check as `run`, `resume`, `revert --run` and `watch` make it:
 * the inventory's windows at this moment, whether the run is a rollback to
 * the deployed commit, and who is asking.
 */
import { operatorName } from '../../control/index.js';
import { ok, type Result } from '../../core/result.js';
import { deployedCommit } from '../../records/deploy/deployed.js';
import type { FreezeAllowance } from '../../plan/types.js';
import type { Rollout } from '../../spec/model.js';
import type { AppFailure } from '../failure.js';
import { checkFreeze } from './guard.js';
import { activeWindows } from './windows.js';

export interface FreezeOptions {
  /** `--override-freeze --reason TEXT`. */
  override?: { reason: string };
  /** Known to be a rollback: `revert --run`, a resumed rollback. Otherwise: the commit is the deployed one. */
  rollback?: boolean;
}

export async function freezeBeforeRun(
  repoDir: string,
  rollout: Rollout,
  options: FreezeOptions = {},
  now: number = Date.now(),
): Promise<Result<FreezeAllowance | undefined, AppFailure>> {
  if (activeWindows(rollout.freeze, now).length === 0) return ok(undefined);
  const rollback =
    options.rollback === true ||
    (await deployedCommit(repoDir, rollout.environment, rollout.rollout)) === rollout.source.commit.sha;
  return checkFreeze(rollout.freeze, now, {
    ...(options.override ? { override: options.override } : {}),
    rollback,
    environment: rollout.environment,
    operator: await operatorName(repoDir),
  });
}
