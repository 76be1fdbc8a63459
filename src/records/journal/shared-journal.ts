/**
 * A run's journal shared through the remote, so another clone can finish
 * it: `refs/lieutenant/runs/<runId>` points at a blob, the journal file as
 * it was at the last batch boundary or gate. Only the lock holder of the
 * run's environment pushes it; a run that ends with every host in rotation
 * deletes it (its note on the commit says what it did).
 */
import { mkdir, rename, readFile, writeFile } from 'node:fs/promises';
import { journalPath, isRunId, runsDir } from '../index.js';
import { fail, ok, type Result } from '../../core/result.js';
import { gitOut, gitRun } from '../git/git-run.js';

export const RUNS_PREFIX = 'refs/lieutenant/runs';

export async function pushJournal(repoDir: string, remote: string, runId: string): Promise<Result<void>> {
  try {
    const blob = (await gitOut(repoDir, ['hash-object', '-w', '--', journalPath(repoDir, runId)])).trim();
    await gitOut(repoDir, ['push', '--quiet', '--end-of-options', remote, `+${blob}:${RUNS_PREFIX}/${runId}`]);
    return ok(undefined);
  } catch (error) {
    return fail(`could not share the journal of run ${runId} on ${remote}`, String(error));
  }
}

export async function deleteSharedJournal(repoDir: string, remote: string, runId: string): Promise<void> {
  await gitRun(repoDir, ['push', '--quiet', '--end-of-options', remote, `:${RUNS_PREFIX}/${runId}`]);
}

/**
 * Brings the shared journals of ENVIRONMENT's runs into `.lieutenant/runs/`
 * where the remote knows more than this checkout. Call it holding the
 * environment's lock: then none of them is running anywhere.
 */
export async function importSharedJournals(
  repoDir: string,
  remote: string,
  environment: string,
  /** Why a journal must not be brought in (it is anyone's push): [] to take it. */
  judge: (journal: SharedJournal) => Promise<string[]>,
): Promise<Result<{ imported: string[]; refused: Array<{ runId: string; problems: string[] }> }>> {
  const shared = await fetchSharedJournals(repoDir, remote);
  if (!shared.ok) return shared;
  const imported: string[] = [];
  const refused: Array<{ runId: string; problems: string[] }> = [];
  for (const journal of shared.value) {
    if (journal.environment !== environment) continue;
    const path = journalPath(repoDir, journal.runId);
    const local = await readFile(path, 'utf8').catch(() => '');
    // This checkout's own journal may be ahead of what it last pushed: never replace it with less.
    if (journal.text.length <= local.length || !journal.text.startsWith(local.replace(/[^\n]*$/, ''))) continue;
    const problems = await judge(journal);
    if (problems.length > 0) {
      refused.push({ runId: journal.runId, problems });
      continue;
    }
    await mkdir(runsDir(repoDir), { recursive: true });
    await writeFile(`${path}.incoming`, journal.text);
    await rename(`${path}.incoming`, path);
    imported.push(journal.runId);
  }
  return ok({ imported, refused });
}

export interface SharedJournal {
  runId: string;
  environment: string | undefined;
  text: string;
}

/** Every journal shared on `remote` now (mirrored under the same refs here). */
export async function fetchSharedJournals(repoDir: string, remote: string): Promise<Result<SharedJournal[]>> {
  const fetched = await gitRun(repoDir, [
    'fetch',
    '--quiet',
    '--no-tags',
    '--prune',
    '--end-of-options',
    remote,
    `+${RUNS_PREFIX}/*:${RUNS_PREFIX}/*`,
  ]);
  if (fetched.code !== 0) return fail(`git fetch ${remote} (shared run journals) failed`, fetched.stderr.trim());
  const listed = await gitOut(repoDir, ['for-each-ref', '--format=%(refname) %(objectname)', `${RUNS_PREFIX}/`]);
  const journals: SharedJournal[] = [];
  for (const line of listed.split('\n')) {
    const [ref, blob] = line.split(' ');
    const runId = ref?.slice(RUNS_PREFIX.length + 1);
    if (runId === undefined || blob === undefined || !isRunId(runId)) continue;
    const text = await gitOut(repoDir, ['cat-file', 'blob', blob]).catch(() => '');
    journals.push({ runId, environment: environmentOf(text), text });
  }
  return ok(journals);
}

function environmentOf(journal: string): string | undefined {
  try {
    const first = JSON.parse(journal.slice(0, journal.indexOf('\n'))) as { type?: unknown; environment?: unknown };
    return first.type === 'run.started' && typeof first.environment === 'string' ? first.environment : undefined;
  } catch {
    return undefined;
  }
}
