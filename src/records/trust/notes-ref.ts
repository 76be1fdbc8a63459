/**
 * A notes ref (`refs/notes/lieutenant`, `refs/notes/lieutenant-sync`) is a
 * commit whose tree maps commits to notes. One pushed as anything else — a
 * blob, a tree, garbage — makes every `git notes` command fail, so it is
 * checked before it is taken from the remote, and a damaged one here is set
 * aside (kept, for people to inspect) rather than written on.
 */
import { gitRun } from '../git/git-run.js';

/** Why `ref` cannot be read as notes, or undefined when it can (or does not exist). */
export async function notesRefProblem(repoDir: string, ref: string): Promise<string | undefined> {
  const type = await gitRun(repoDir, ['cat-file', '-t', '--end-of-options', ref]).catch(() => undefined);
  if (type === undefined || type.code !== 0) return undefined;
  if (type.stdout.trim() !== 'commit') return `${ref} is a ${type.stdout.trim()}, not a notes commit`;
  const listed = await gitRun(repoDir, ['notes', '--ref', ref, 'list']).catch(() => undefined);
  if (listed === undefined || listed.code !== 0) return `${ref} is not a notes tree`;
  return undefined;
}

/** Moves a damaged notes ref to `refs/lieutenant-damaged/…`; what to say, or undefined when it was fine. */
export async function setAsideDamagedNotes(repoDir: string, ref: string): Promise<string | undefined> {
  const problem = await notesRefProblem(repoDir, ref);
  if (problem === undefined) return undefined;
  const aside = `refs/lieutenant-damaged/${ref.replace(/^refs\//, '')}`;
  await gitRun(repoDir, ['update-ref', aside, ref]);
  await gitRun(repoDir, ['update-ref', '-d', ref]);
  return `${problem}: set aside as ${aside}, started afresh`;
}
