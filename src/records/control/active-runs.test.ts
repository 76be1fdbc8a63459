import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listActiveRuns, registerActiveRun } from './active-runs.js';
import { writeFileAtomic } from './atomic-write.js';
import { activeFile } from '../index.js';

const run = (runId: string, startedAt = '2025-05-01T12:00:00.000Z') => ({
  runId,
  rollout: 'web',
  environment: 'staging',
  operator: 'alice',
  startedAt,
});

/** The pid of a process that has already exited. */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not spawn node');
  return child.pid;
};

describe('active-run registry', () => {
  let repo: string;
  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'lieutenant-active-'));
  });
  afterEach(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('given a registered run, when it announces a gate and then closes, then readers see it, its gate, and then nothing', async () => {
    // Given
    const handle = await registerActiveRun(repo, run('run-1'));
    const [listed, ...others] = await listActiveRuns(repo);
    expect(others).toEqual([]);
    expect(listed).toMatchObject({ runId: 'run-1', pid: process.pid, operator: 'alice' });
    expect(listed?.gate).toBeUndefined();
    // When
    await handle.setGate({ afterBatch: 1, batches: 2, summary: 'Batch 1/2 done', since: '2025-05-01T12:01:00.000Z' });
    // Then
    expect((await listActiveRuns(repo))[0]?.gate).toEqual({
      afterBatch: 1,
      batches: 2,
      summary: 'Batch 1/2 done',
      since: '2025-05-01T12:01:00.000Z',
    });
    await handle.setGate(undefined);
    expect((await listActiveRuns(repo))[0]?.gate).toBeUndefined();
    await handle.close();
    expect(await listActiveRuns(repo)).toEqual([]);
    expect(await readdir(join(repo, '.lieutenant', 'active'))).toEqual([]);
  });

  it('given an entry left by a crashed run (dead pid), when listing, then it is skipped, and the next registration removes it', async () => {
    // Given
    await writeFileAtomic(
      activeFile(repo, 'crashed'),
      JSON.stringify({ ...run('crashed'), pid: deadPid(), host: (await import('node:os')).hostname() }),
    );
    // When / Then
    expect(await listActiveRuns(repo)).toEqual([]);
    const handle = await registerActiveRun(repo, run('run-2'));
    expect((await readdir(join(repo, '.lieutenant', 'active'))).sort()).toEqual(['run-2.json']);
    await handle.close();
  });

  it('given a run on another machine, when listing, then it is kept (its pid cannot be checked from here)', async () => {
    await writeFileAtomic(
      activeFile(repo, 'remote'),
      JSON.stringify({ ...run('remote'), pid: deadPid(), host: 'some-other-machine' }),
    );
    expect((await listActiveRuns(repo)).map((r) => r.runId)).toEqual(['remote']);
  });

  it('given files that are not run entries, when listing, then they are ignored', async () => {
    await writeFileAtomic(join(repo, '.lieutenant', 'active', 'junk.json'), '{"hello": 1}');
    await writeFileAtomic(join(repo, '.lieutenant', 'active', 'broken.json'), '{not json');
    expect(await listActiveRuns(repo)).toEqual([]);
  });
});
