/**
 * The runs on this machine: `.lieutenant/runs/<runId>.jsonl`. Run ids start
 * with a UTC timestamp, so sorting the names sorts the runs:
 * `20261122T130501Z-web-3f2a`.
 */
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { isRunId, JOURNAL_SUFFIX, runsDir } from './layout.js';

/** Run ids in the repo, newest first; none when no run has happened yet. */
export async function listRuns(repoDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(runsDir(repoDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((name) => name.endsWith(JOURNAL_SUFFIX))
    .map((name) => name.slice(0, -JOURNAL_SUFFIX.length))
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
