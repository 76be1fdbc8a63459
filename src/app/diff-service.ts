/**
 * `lieutenant diff FROM TO`: the committed versions that change between two
 * revisions, per rollout and group. Reads Git only — no host, no lock — so a
 * pull request's check can run it anywhere the repository is.
 */
import { ok, type Result } from '../core/result.js';
import { loadRepo, type RepoSpecs } from '../spec/repo.js';
import { diffVersions, type RolloutVersionChanges } from '../spec/version-diff.js';
import { specFailure, type AppFailure } from './failure.js';

export interface DiffRequest {
  repoDir: string;
  from: string;
  to: string;
}

export interface VersionDiff {
  from: RepoSpecs['commit'];
  to: RepoSpecs['commit'];
  rollouts: RolloutVersionChanges[];
}

export async function diffService(request: DiffRequest): Promise<Result<VersionDiff, AppFailure>> {
  const [before, after] = await Promise.all([
    loadRepo(request.repoDir, request.from),
    loadRepo(request.repoDir, request.to),
  ]);
  if (!before.ok) return { ok: false, error: specFailure(before.error) };
  if (!after.ok) return { ok: false, error: specFailure(after.error) };
  return ok({ from: before.value.commit, to: after.value.commit, rollouts: diffVersions(before.value, after.value) });
}
