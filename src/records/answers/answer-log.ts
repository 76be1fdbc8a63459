/**
 * The answer log of a run on the shared remote: `refs/lieutenant/answers/<runId>`
 * points at a chain of commits (empty tree, one record as JSON per message),
 * appended by the run's holder and by whoever answers its gates, each append
 * a compare-and-swap push (`--force-with-lease=<ref>:<tip it read>`) — of two
 * clones appending at once, one retries on top of the other; nothing is lost.
 * The holder deletes the log when its run ends (the journal and the note on
 * the commit keep every answer).
 */
import { fail, ok, type Result } from '../../core/result.js';
import { gitOut, gitRun } from '../git/git-run.js';
import { casPush, recordCommit } from '../git/record-ref.js';
import { AnswerLogRecord, type Logged } from './answer-record.js';

const PREFIX = 'refs/lieutenant/answers';
/** Where this clone keeps what it fetched of other runs' logs. */
const SEEN = 'refs/lieutenant/seen-answers';
const ATTEMPTS = 8;

export const answersRef = (runId: string): string => `${PREFIX}/${runId}`;

export interface AnswerLog {
  runId: string;
  /** The log's last commit on the remote; undefined: the run has no log there. */
  tip: string | undefined;
  /** Records after `since` (all of them without it), oldest first; records that do not parse are skipped. */
  records: Logged[];
}

/** The log of one run, read from `remote`; only what came after `since` when given. */
export async function readAnswerLog(
  repoDir: string,
  remote: string,
  runId: string,
  since?: string,
): Promise<Result<AnswerLog>> {
  try {
    const tip = await remoteTip(repoDir, remote, answersRef(runId));
    if (tip === undefined || tip === since) return ok({ runId, tip, records: [] });
    await ensureFetched(repoDir, remote, answersRef(runId), tip);
    return ok({ runId, tip, records: await recordsOf(repoDir, tip, since) });
  } catch (error) {
    return fail(`could not read the answers of run ${runId} on ${remote}`, messageOf(error));
  }
}

/** Every run's log on `remote`: one fetch, then each log read here. */
export async function readAnswerLogs(repoDir: string, remote: string): Promise<Result<AnswerLog[]>> {
  try {
    const fetched = await gitRun(repoDir, [
      'fetch',
      '--quiet',
      '--no-tags',
      '--prune',
      '--end-of-options',
      remote,
      `+${PREFIX}/*:${SEEN}/*`,
    ]);
    if (fetched.code !== 0) throw new Error(fetched.stderr.trim() || `git fetch exited ${fetched.code}`);
    const listed = await gitOut(repoDir, ['for-each-ref', '--format=%(refname) %(objectname)', `${SEEN}/`]);
    const logs: AnswerLog[] = [];
    for (const line of listed.split('\n').filter(Boolean)) {
      const [ref = '', tip = ''] = line.split(' ');
      logs.push({ runId: ref.slice(SEEN.length + 1), tip, records: await recordsOf(repoDir, tip) });
    }
    return ok(logs);
  } catch (error) {
    return fail(`could not read the runs waiting for answers on ${remote}`, messageOf(error));
  }
}

/** Appends `record` to its run's log on `remote`, on top of whatever another clone appended first. */
export async function appendAnswerLog(
  repoDir: string,
  remote: string,
  record: AnswerLogRecord,
): Promise<Result<{ oid: string }>> {
  const ref = answersRef(record.runId);
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const tip = await remoteTip(repoDir, remote, ref);
      if (tip !== undefined) await ensureFetched(repoDir, remote, ref, tip);
      const oid = await recordCommit(repoDir, record, tip);
      if ((await casPush(repoDir, remote, ref, tip, oid)) === 'ok') return ok({ oid });
    }
    throw new Error(`${ref} kept changing while this answer was added; try again`);
  } catch (error) {
    return fail(`could not write to the answers of run ${record.runId} on ${remote}`, messageOf(error));
  }
}

/** Deletes the log, unless someone appended after `expected` (then: 'moved', read it again). */
export async function deleteAnswerLog(
  repoDir: string,
  remote: string,
  runId: string,
  expected: string,
): Promise<Result<'ok' | 'moved'>> {
  try {
    return ok(await casPush(repoDir, remote, answersRef(runId), expected, undefined));
  } catch (error) {
    return fail(`could not delete the answers of run ${runId} on ${remote}`, messageOf(error));
  }
}

async function remoteTip(repoDir: string, remote: string, ref: string): Promise<string | undefined> {
  const listed = await gitOut(repoDir, ['ls-remote', '--end-of-options', remote, ref]);
  return listed
    .split('\n')
    .map((line) => line.split('\t'))
    .find(([, name]) => name === ref)?.[0];
}

async function ensureFetched(repoDir: string, remote: string, ref: string, tip: string): Promise<void> {
  if ((await gitRun(repoDir, ['cat-file', '-e', `${tip}^{commit}`])).code === 0) return;
  const seen = `${SEEN}/${ref.slice(PREFIX.length + 1)}`;
  const fetched = await gitRun(repoDir, [
    'fetch',
    '--quiet',
    '--no-tags',
    '--end-of-options',
    remote,
    `+${ref}:${seen}`,
  ]);
  if (fetched.code !== 0) throw new Error(fetched.stderr.trim() || `git fetch exited ${fetched.code}`);
}

async function recordsOf(repoDir: string, tip: string, since?: string): Promise<Logged[]> {
  const range = since === undefined ? [tip] : [tip, `^${since}`];
  const out = await gitOut(repoDir, ['log', '--reverse', '--format=%H%x00%B%x1e', ...range, '--']);
  return out.split('\x1e').flatMap((entry) => {
    const [oid = '', message = ''] = entry.replace(/^\n/, '').split('\0');
    if (oid === '') return [];
    const parsed = AnswerLogRecord.safeParse(parseJson(message));
    return parsed.success ? [{ ...parsed.data, oid }] : [];
  });
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
