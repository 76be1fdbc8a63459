/**
 * Every path of Lieutenant's local state, in one place. It lives in the
 * rollout repo's checkout (git-ignored `.lieutenant/`):
 *
 *   .lieutenant/locks/<environment>.lock          one run per environment (lock.ts)
 *   .lieutenant/runs/<runId>.jsonl                the write-ahead journal of each run
 *   .lieutenant/logs/<runId>.log                  the pino log of each run
 *   .lieutenant/active/<runId>.json               a run is alive (and its gate, when waiting)
 *   .lieutenant/control/<runId>/answer-<n>.json   answers to its gate, written atomically
 *
 * What is deployed is recorded in Git notes and refs instead (gitops/).
 */
import { join } from 'node:path';
import { NAME } from '../../spec/names.js';

export const STATE_DIR = '.lieutenant';
/** The folders under STATE_DIR; each must be a directory when it exists. */
export const STATE_FOLDERS = ['locks', 'runs', 'logs', 'active', 'control'] as const;

export const stateDir = (repoDir: string): string => join(repoDir, STATE_DIR);

export const locksDir = (repoDir: string): string => join(repoDir, STATE_DIR, 'locks');
export const lockPath = (repoDir: string, environment: string): string =>
  join(locksDir(repoDir), `${environment}.lock`);

export const runsDir = (repoDir: string): string => join(repoDir, STATE_DIR, 'runs');
export const JOURNAL_SUFFIX = '.jsonl';

/** Run ids reach paths (`lieutenant approve RUN`): only plain names, never `/` or a leading dot. */
export function isRunId(text: string): boolean {
  return NAME.test(text);
}

export function journalPath(repoDir: string, runId: string): string {
  if (!isRunId(runId)) throw new RangeError(`not a run id: ${JSON.stringify(runId)}`);
  return join(runsDir(repoDir), `${runId}${JOURNAL_SUFFIX}`);
}

export const logsDir = (repoDir: string): string => join(repoDir, STATE_DIR, 'logs');
export const runLogPath = (repoDir: string, runId: string): string => join(logsDir(repoDir), `${runId}.log`);

export const activeDir = (repoDir: string): string => join(repoDir, STATE_DIR, 'active');
export const activeFile = (repoDir: string, runId: string): string => join(activeDir(repoDir), `${runId}.json`);
export const controlDir = (repoDir: string, runId: string): string => join(repoDir, STATE_DIR, 'control', runId);

export const ANSWER_FILE = /^answer-[\w.-]+\.json$/;
/** `lieutenant abort` sent while the run works on a batch: taken whenever it comes, not by a gate. */
export const ABORT_FILE = /^abort-[\w.-]+\.json$/;
