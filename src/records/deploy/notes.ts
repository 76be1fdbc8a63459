/**
 * The `refs/notes/lieutenant` notes: on each applied commit, a JSON array of
 * the runs that applied it. Read, written and listed here only.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { identityFallback } from '../git/git.js';
import { setAsideDamagedNotes } from '../trust/notes-ref.js';
import { parseRunRecords } from './run-record.js';
import type { RunRecord } from './run-record.js';

export const NOTES_REF = 'refs/notes/lieutenant';
export const DEPLOYED_PREFIX = 'refs/lieutenant/deployed';

/** The runs noted on one commit, as stored (oldest first); [] without a note. */
export async function readNote(git: SimpleGit, sha: string, ref = NOTES_REF): Promise<RunRecord[]> {
  try {
    return parseRunRecords(await git.raw(['notes', '--ref', ref, 'show', sha]));
  } catch {
    return [];
  }
}

/** Replaces the note on `sha` with these records. */
export async function writeNote(git: SimpleGit, sha: string, records: RunRecord[]): Promise<void> {
  // Through a file, not -m: a busy commit's note can outgrow one argument.
  // A notes ref damaged here (garbage fetched by an older version, a push by hand) is kept aside, not written on.
  await setAsideDamagedNotes(await git.revparse(['--show-toplevel']), NOTES_REF);
  const [identity, scratch] = await Promise.all([identityFallback(git), mkdtemp(join(tmpdir(), 'lieutenant-note-'))]);
  try {
    const file = join(scratch, 'note.json');
    await writeFile(file, `${JSON.stringify(records, null, 2)}\n`);
    await git.raw([...identity, 'notes', '--ref', NOTES_REF, 'add', '-f', '-F', file, sha]);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Annotated commit SHA → note blob SHA, for every note under `ref`. */
export async function listNotes(git: SimpleGit, ref = NOTES_REF): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  if (!(await refExists(git, ref))) return notes;
  // A damaged notes ref lists nothing (writeNote sets it aside); it never stops the command reading it.
  const listed = await git.raw(['notes', '--ref', ref, 'list']).catch(() => '');
  for (const line of listed.split('\n')) {
    const [blob, commit] = line.trim().split(' ');
    if (blob !== undefined && commit !== undefined) notes.set(commit, blob);
  }
  return notes;
}

/** Records of both lists, one per run id; `ours` wins a tie. Oldest first. */
export function mergeRecords(ours: RunRecord[], theirs: RunRecord[]): RunRecord[] {
  const byRun = new Map<string, RunRecord>();
  for (const record of [...theirs, ...ours]) byRun.set(record.runId, record);
  return [...byRun.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

export async function refExists(git: SimpleGit, ref: string): Promise<boolean> {
  // `--quiet` makes a missing ref an empty answer (simple-git resolves a silent non-zero exit).
  try {
    return (await git.raw(['rev-parse', '--verify', '--quiet', ref])).trim() !== '';
  } catch {
    return false;
  }
}
