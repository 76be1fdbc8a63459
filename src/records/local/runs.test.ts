import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journalPath } from './layout.js';
import { listRuns, newRunId } from './runs.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lieutenant-runs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runs', () => {
  it('given run files written out of order, when listed, then ids come newest first and other files are ignored', async () => {
    const runs = join(dir, '.lieutenant', 'runs');
    await mkdir(runs, { recursive: true });
    const ids = ['20261122T130501Z-web-3f2a', '20261201T090000Z-api-0001', '20251231T235959Z-web-ffff'];
    for (const id of ids) await writeFile(join(runs, `${id}.jsonl`), '');
    await writeFile(join(runs, 'lock'), '');
    await writeFile(join(runs, 'notes.txt'), '');

    expect(await listRuns(dir)).toEqual([
      '20261201T090000Z-api-0001',
      '20261122T130501Z-web-3f2a',
      '20251231T235959Z-web-ffff',
    ]);
  });

  it('given a repo that never ran, when listed, then there are no runs', async () => {
    expect(await listRuns(dir)).toEqual([]);
  });

  it('given a rollout and a time, when a run id is made, then it is the UTC second, the rollout and a random suffix', () => {
    const now = Date.UTC(2026, 10, 22, 13, 5, 1, 987);
    const id = newRunId('web', now);
    expect(id).toMatch(/^20261122T130501Z-web-[0-9a-f]{4}$/);
    expect(newRunId({ rollout: 'web' }, new Date(now))).toMatch(/^20261122T130501Z-web-/);
    expect(newRunId('web', now + 1_000) > id).toBe(true);
  });

  it('given a run id that would leave the runs folder, when a path is asked for, then it is refused', () => {
    expect(() => journalPath(dir, '../../etc/passwd')).toThrow(RangeError);
    expect(() => journalPath(dir, '.hidden')).toThrow(RangeError);
  });
});
