/**
 * What happened to each commit under manual sync — detected as pending,
 * superseded by a newer push, cleared by a revert, applied (by whom, why,
 * which runs) — one JSON object per line in a note on that commit under
 * `refs/notes/lieutenant-sync`. It travels through the remote with the
 * sync refs, so `history` in any clone says who applied what.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { gitAt, identityFallback } from '../git/git.js';
import { screenJson } from '../trust/screen.js';
import { notesRefProblem, setAsideDamagedNotes } from '../trust/notes-ref.js';
import type { SimpleGit } from 'simple-git';

export const SYNC_NOTES_REF = 'refs/notes/lieutenant-sync';

export const SyncLogEntry = z.object({
  environment: z.string(),
  commit: z.string(),
  event: z.enum(['detected', 'superseded', 'cleared', 'applied', 'refused']),
  /** ISO 8601. */
  at: z.string(),
  /** The watcher (detected, superseded, cleared) or the person (applied, refused). */
  by: z.string(),
  reason: z.string().optional(),
  /** applied: when the person asked. */
  requestedAt: z.string().optional(),
  /** applied: the runs that applied it. */
  runs: z.array(z.string()).optional(),
  /** superseded: the newer pending commit. */
  supersededBy: z.string().optional(),
});
export type SyncLogEntry = z.infer<typeof SyncLogEntry>;

/** One entry per line, so two sides' notes merge by uniting lines (`cat_sort_uniq`); a line that does not parse is left out. */
export function parseSyncLog(text: string): SyncLogEntry[] {
  return text.split('\n').flatMap((line) => {
    if (line.trim() === '') return [];
    const screened = screenJson(line, 'a sync-log line');
    const parsed = screened.ok ? SyncLogEntry.safeParse(screened.value) : undefined;
    return parsed?.success ? [parsed.data] : [];
  });
}

/** Every entry, oldest first. */
export async function readSyncLog(repoDir: string): Promise<SyncLogEntry[]> {
  const git = gitAt(repoDir);
  const list = await git.raw(['notes', '--ref', SYNC_NOTES_REF, 'list']).catch(() => '');
  const blobs = list
    .split('\n')
    .map((line) => line.trim().split(' ')[0])
    .filter((blob): blob is string => blob !== undefined && blob !== '');
  const texts = await Promise.all(blobs.map((blob) => git.raw(['cat-file', 'blob', blob]).catch(() => '')));
  return texts.flatMap(parseSyncLog).sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * Adds ENTRY to the note on its commit. The log is for people: a log ref
 * damaged here is set aside and begun again, and a write that fails is
 * returned as a message — never thrown into the watcher's loop.
 */
export async function appendSyncLog(repoDir: string, entry: SyncLogEntry): Promise<string | undefined> {
  const git = gitAt(repoDir);
  const damaged = await setAsideDamagedNotes(repoDir, SYNC_NOTES_REF).catch(() => undefined);
  const earlier = parseSyncLog(await git.raw(['notes', '--ref', SYNC_NOTES_REF, 'show', entry.commit]).catch(() => ''));
  const [identity, scratch] = await Promise.all([identityFallback(git), mkdtemp(join(tmpdir(), 'lieutenant-sync-'))]);
  try {
    const file = join(scratch, 'note.json');
    await writeFile(file, [...earlier, entry].map((e) => `${JSON.stringify(e)}\n`).join(''));
    await git.raw([...identity, 'notes', '--ref', SYNC_NOTES_REF, 'add', '-f', '-F', file, entry.commit]);
    return damaged;
  } catch (error) {
    return `could not add to the sync log: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Shares the log: takes the remote's when ours has nothing it lacks, else
 * pushes ours (merging theirs in first when the push is refused). Best
 * effort — the log is for people; a failure is returned as a message.
 */
export async function shareSyncLog(repoDir: string, remote: string): Promise<string | undefined> {
  const git = gitAt(repoDir);
  try {
    await takeSyncLog(repoDir, git, remote);
    if ((await git.raw(['for-each-ref', '--format=%(objectname)', SYNC_NOTES_REF])).trim() === '') return undefined;
    await git.raw(['push', '--quiet', remote, `${SYNC_NOTES_REF}:${SYNC_NOTES_REF}`]);
    return undefined;
  } catch (error) {
    return `could not share the sync log with ${remote}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The remote's log merged into ours, nothing pushed: what `status` and `history` read from any clone. */
export async function fetchSyncLog(repoDir: string, remote: string): Promise<string | undefined> {
  try {
    await takeSyncLog(repoDir, gitAt(repoDir), remote);
    return undefined;
  } catch (error) {
    return `could not fetch the sync log from ${remote}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function takeSyncLog(repoDir: string, git: SimpleGit, remote: string): Promise<void> {
  const incoming = 'refs/notes/lieutenant-sync-incoming';
  try {
    const fetched = await git
      .raw(['fetch', '--quiet', '--no-tags', remote, `+${SYNC_NOTES_REF}:${incoming}`])
      .then(() => true)
      .catch(() => false);
    // Anyone who can push can put anything there: taken only when it is a notes commit.
    const theirs = fetched ? await notesRefProblem(repoDir, incoming) : undefined;
    if (theirs !== undefined) throw new Error(`${remote}'s ${SYNC_NOTES_REF} was not taken (${theirs})`);
    await setAsideDamagedNotes(repoDir, SYNC_NOTES_REF);
    const ours = (await git.raw(['for-each-ref', '--format=%(objectname)', SYNC_NOTES_REF])).trim();
    if (fetched) {
      if (ours === '') await git.raw(['update-ref', SYNC_NOTES_REF, incoming]);
      else {
        const identity = await identityFallback(git);
        // Both sides only append to per-commit arrays: union them entry by entry.
        await git.raw([
          ...identity,
          'notes',
          '--ref',
          SYNC_NOTES_REF,
          'merge',
          '--quiet',
          '-s',
          'cat_sort_uniq',
          incoming,
        ]);
      }
    }
  } finally {
    await git.raw(['update-ref', '-d', incoming]).catch(() => undefined);
  }
}
