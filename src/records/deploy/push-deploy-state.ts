/**
 * Shares deployed state through the rollout repo's remote: the notes ref and
 * refs/lieutenant/*. Notes from another operator's machine are merged, never
 * overwritten; deployed refs say what the fleet runs now, so the last run
 * pushed wins (a rollback may move one backwards).
 */
import type { SimpleGit } from 'simple-git';
import { fail, ok } from '../../core/result.js';
import type { Result } from '../../core/result.js';
import { gitAt, identityFallback } from '../git/git.js';
import { notesRefProblem } from '../trust/notes-ref.js';
import { DEPLOYED_PREFIX, NOTES_REF, listNotes, mergeRecords, readNote, refExists, writeNote } from './notes.js';

const INCOMING_NOTES = 'refs/notes/lieutenant-incoming';

export async function pushDeployState(repoDir: string, remote: string): Promise<Result<{ pushed: string[] }>> {
  const git = gitAt(repoDir);
  const pushed: string[] = [];
  const deployed = (await git.raw(['for-each-ref', '--format=%(refname)', `${DEPLOYED_PREFIX}/`])).trim();
  if (deployed !== '') {
    const refs = await push(git, remote, [`+${DEPLOYED_PREFIX}/*:${DEPLOYED_PREFIX}/*`]);
    if (!refs.ok) return refs;
    pushed.push(...deployed.split('\n'));
  }
  if (await refExists(git, NOTES_REF)) {
    let notes = await push(git, remote, [`${NOTES_REF}:${NOTES_REF}`]);
    if (!notes.ok) {
      // Most likely another machine pushed notes first: merge theirs in, try once more.
      const merged = await mergeRemoteNotes(git, remote);
      if (!merged.ok)
        return fail(`could not push run notes to ${remote}: ${notes.error.message}`, merged.error.message);
      notes = await push(git, remote, [`${NOTES_REF}:${NOTES_REF}`]);
      if (!notes.ok) return fail(`could not push run notes to ${remote}`, notes.error.message);
    }
    pushed.push(NOTES_REF);
  }
  return ok({ pushed });
}

async function push(git: SimpleGit, remote: string, refspecs: string[]): Promise<Result<void>> {
  try {
    await git.raw(['push', '--quiet', remote, ...refspecs]);
    return ok(undefined);
  } catch (error) {
    return fail(`git push ${remote} failed`, error instanceof Error ? error.message : String(error));
  }
}

/** Fetches the remote's notes and merges them into ours, uniting the run lists of commits noted on both sides. */
export async function mergeRemoteNotes(git: SimpleGit, remote: string): Promise<Result<void>> {
  try {
    await git.raw(['fetch', '--quiet', remote, `+${NOTES_REF}:${INCOMING_NOTES}`]);
    const problem = await notesRefProblem(await git.revparse(['--show-toplevel']), INCOMING_NOTES);
    if (problem !== undefined) return fail(`${remote}'s ${NOTES_REF} was not merged`, problem);
    const theirs = await listNotes(git, INCOMING_NOTES);
    const ours = await listNotes(git, NOTES_REF);
    const identity = await identityFallback(git);
    await git.raw([...identity, 'notes', '--ref', NOTES_REF, 'merge', '--quiet', '-s', 'ours', INCOMING_NOTES]);
    for (const [commit, blob] of theirs) {
      const mine = ours.get(commit);
      if (mine === undefined || mine === blob) continue;
      const united = mergeRecords(await readNote(git, commit), await readNote(git, commit, INCOMING_NOTES));
      await writeNote(git, commit, united);
    }
    return ok(undefined);
  } catch (error) {
    return fail('could not merge the remote run notes', error instanceof Error ? error.message : String(error));
  } finally {
    await git.raw(['update-ref', '-d', INCOMING_NOTES]).catch(() => undefined);
  }
}
