/**
 * The other half of pushDeployState: what other machines recorded, brought
 * into this checkout — their deployed refs (the remote's win: they say what
 * the fleet runs now) and their run notes (merged with ours). Two watchers
 * on two clones decide what is left to run from the same record this way.
 */
import { fail, ok, type Result } from '../../core/result.js';
import { gitAt } from '../git/git.js';
import { gitRun } from '../git/git-run.js';
import { NOTES_REF, refExists } from './notes.js';
import { notesRefProblem } from '../trust/notes-ref.js';
import { adoptDeployedRefs } from '../trust/deployed-refs.js';
import type { IgnoredRecord } from '../trust/ignored.js';
import { mergeRemoteNotes } from './push-deploy-state.js';

/** The remote's deployed refs that name a commit off the followed branch are not taken: they come back as ignored. */
export async function fetchDeployState(
  repoDir: string,
  remote: string,
  branch?: string,
): Promise<Result<IgnoredRecord[]>> {
  const deployed = await adoptDeployedRefs(repoDir, remote, { policy: 'remote-wins', ...(branch ? { branch } : {}) });
  if (!deployed.ok) return deployed;
  // Notes that could not be taken (garbage pushed there) are said, and the deployed refs still count.
  const notes = await fetchRunNotes(repoDir, remote);
  const refused = notes.ok ? [] : [{ ref: NOTES_REF, reason: notes.error.detail ?? notes.error.message }];
  return ok([...deployed.value.ignored, ...refused]);
}

/** The remote's run notes, merged with ours (both sides only append records). */
export async function fetchRunNotes(repoDir: string, remote: string): Promise<Result<void>> {
  const listed = await gitRun(repoDir, ['ls-remote', '--end-of-options', remote, NOTES_REF]);
  if (listed.code !== 0) return fail(`git ls-remote ${remote} failed`, listed.stderr.trim());
  if (listed.stdout.trim() === '') return ok(undefined);
  const git = gitAt(repoDir);
  if (!(await refExists(git, NOTES_REF))) {
    const incoming = `${NOTES_REF}-first`;
    const notes = await gitRun(repoDir, ['fetch', '--quiet', '--no-tags', remote, `+${NOTES_REF}:${incoming}`]);
    if (notes.code !== 0) return fail(`git fetch ${remote} (run notes) failed`, notes.stderr.trim());
    // Taken only when it is a notes commit: garbage pushed there would make every later notes command fail.
    const problem = await notesRefProblem(repoDir, incoming);
    if (problem === undefined) await gitRun(repoDir, ['update-ref', NOTES_REF, incoming]);
    await gitRun(repoDir, ['update-ref', '-d', incoming]);
    return problem === undefined ? ok(undefined) : fail(`${remote}'s ${NOTES_REF} was not taken`, problem);
  }
  return mergeRemoteNotes(git, remote);
}
