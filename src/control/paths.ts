/**
 * Where a running run and `lieutenant approve`/`abort` meet, under the
 * rollout repo (git-ignored `.lieutenant/`):
 *
 *   .lieutenant/active/<runId>.json               the run is alive (and its gate, when waiting)
 *   .lieutenant/control/<runId>/answer-<n>.json   answers to its gate, written atomically
 */
import { join } from 'node:path';

export const activeDir = (repoDir: string): string => join(repoDir, '.lieutenant', 'active');
export const activeFile = (repoDir: string, runId: string): string => join(activeDir(repoDir), `${runId}.json`);
export const controlDir = (repoDir: string, runId: string): string => join(repoDir, '.lieutenant', 'control', runId);

export const ANSWER_FILE = /^answer-[\w.-]+\.json$/;
