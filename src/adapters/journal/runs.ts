/**
 * Where runs live: `<repo>/.lieutenant/runs/<runId>.jsonl`. Run ids start
 * with a UTC timestamp, so sorting the names sorts the runs:
 * `20261122T130501Z-web-3f2a`.
 */
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { NAME } from '../../spec/names.js';

export const RUNS_DIR = join('.lieutenant', 'runs');
const SUFFIX = '.jsonl';

/** Run ids reach paths (`lieutenant approve RUN`): only plain names, never `/` or a leading dot. */
export function isRunId(text: string): boolean {
  return NAME.test(text);
}

export function journalPath(repoDir: string, runId: string): string {
  if (!isRunId(runId)) throw new RangeError(`not a run id: ${JSON.stringify(runId)}`);
  return join(repoDir, RUNS_DIR, `${runId}${SUFFIX}`);
}

/** Run ids in the repo, newest first; none when no run has happened yet. */
export async function listRuns(repoDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(repoDir, RUNS_DIR));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => name.endsWith(SUFFIX))
    .map((name) => name.slice(0, -SUFFIX.length))
    .filter(isRunId)
    .sort()
    .reverse();
}

/** `20261122T130501Z-web-3f2a`: UTC second, rollout, and 16 random bits against same-second runs. */
export function newRunId(rollout: string | { rollout: string }, now: number | Date): string {
  const name = typeof rollout === 'string' ? rollout : rollout.rollout;
  const stamp = new Date(now)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${stamp}-${name}-${randomBytes(2).toString('hex')}`;
}
