/**
 * The other half of pushDeployState: what other machines recorded, brought
 * into this checkout — their deployed refs (the remote's win: they say what
 * the fleet runs now) and their run notes (merged with ours). Two watchers
 * on two clones decide what is left to run from the same record this way.
 */
import { fail, ok, type Result } from '../../core/result.js';
import { gitAt } from '../git/git.js';
import { gitRun } from '../git/git-run.js';
import { DEPLOYED_PREFIX, NOTES_REF, refExists } from './notes.js';
import { mergeRemoteNotes } from './push-deploy-state.js';

export async function fetchDeployState(repoDir: string, remote: string): Promise<Result<void>> {
  const deployed = await gitRun(repoDir, [
    'fetch',
    '--quiet',
    '--no-tags',
    '--end-of-options',
    remote,
    `+${DEPLOYED_PREFIX}/*:${DEPLOYED_PREFIX}/*`,
  ]);
  if (deployed.code !== 0) return fail(`git fetch ${remote} (deployed refs) failed`, deployed.stderr.trim());
  return fetchRunNotes(repoDir, remote);
}

/** The remote's run notes, merged with ours (both sides only append records). */
export async function fetchRunNotes(repoDir: string, remote: string): Promise<Result<void>> {
  const listed = await gitRun(repoDir, ['ls-remote', '--end-of-options', remote, NOTES_REF]);
  if (listed.code !== 0) return fail(`git ls-remote ${remote} failed`, listed.stderr.trim());
  if (listed.stdout.trim() === '') return ok(undefined);
  const git = gitAt(repoDir);
  if (!(await refExists(git, NOTES_REF))) {
    const notes = await gitRun(repoDir, ['fetch', '--quiet', '--no-tags', remote, `+${NOTES_REF}:${NOTES_REF}`]);
    return notes.code === 0 ? ok(undefined) : fail(`git fetch ${remote} (run notes) failed`, notes.stderr.trim());
  }
  return mergeRemoteNotes(git, remote);
}
