import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordRun } from '../records/deploy/deployed.js';
import { loadHistory } from './history-service.js';
import { findInterrupted } from './interrupted-runs.js';
import { acquireLock } from '../records/index.js';
import { createGitSandbox, twoReleases } from '../records/testing/git-fixture.js';
import type { GitSandbox, TestRepo } from '../records/testing/git-fixture.js';
import { aRunRecord } from '../records/testing/run-record.js';

/** Writes `.lieutenant/runs/<runId>.jsonl` the way the journal does: one event per line, seq from 1. */
async function writeJournal(repoDir: string, runId: string, bodies: Array<Record<string, unknown>>, firstAt: string) {
  const dir = join(repoDir, '.lieutenant', 'runs');
  await mkdir(dir, { recursive: true });
  const start = Date.parse(firstAt);
  const lines = bodies.map((body, i) =>
    JSON.stringify({ ...body, runId, seq: i + 1, at: new Date(start + i * 60_000).toISOString() }),
  );
  await writeFile(join(dir, `${runId}.jsonl`), `${lines.join('\n')}\n`);
}

const started = (commit: { sha: string; subject: string }, extra: Record<string, unknown> = {}) => ({
  type: 'run.started',
  rollout: 'web',
  environment: 'staging',
  commit,
  operator: 'bob',
  plan: { groups: [] },
  ...extra,
});

describe('loadHistory', () => {
  let sandbox: GitSandbox;
  let repo: TestRepo;
  let v10: string;
  let v11: string;

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    repo = await sandbox.repo();
    ({ v10, v11 } = await twoReleases(repo));
  });
  afterEach(() => sandbox.cleanup());

  it('shows noted runs and unfinished journaled runs, newest first, each once', async () => {
    // Given a finished run of 1.0 (noted, and its journal still on disk)
    await recordRun(
      repo.dir,
      aRunRecord({
        commit: v10,
        subject: 'web: demo 1.0',
        runId: 'r1',
        startedAt: '2025-01-01T10:00:00.000Z',
        finishedAt: '2025-01-01T10:04:30.000Z',
      }),
    );
    await writeJournal(repo.dir, 'r1', [started({ sha: v10, subject: 'web: demo 1.0' })], '2025-01-01T10:00:00.000Z');
    // And a run of 1.1 that crashed after an approval, leaving web-03 out of rotation
    await writeJournal(
      repo.dir,
      'r2',
      [
        started({ sha: v11, subject: 'web: demo 1.1' }),
        { type: 'host.done', host: 'web-01', changed: true },
        { type: 'gate.waiting', afterBatch: 1, batches: 2, pause: 'approve', summary: 'batch 1 done' },
        { type: 'gate.answered', decision: 'approve', by: 'carol', reason: 'graphs are flat' },
        { type: 'host.failed', host: 'web-03', group: 'web', step: 'upgrade', reason: 'ssh lost', outOfRotation: true },
      ],
      '2025-01-02T09:00:00.000Z',
    );

    // When the history is read
    const history = await loadHistory(repo.dir);

    // Then the crashed run is first, shown as interrupted with what it did
    expect(history.map((h) => [h.runId, h.result, h.source])).toEqual([
      ['r2', 'interrupted', 'journal'],
      ['r1', 'succeeded', 'note'],
    ]);
    expect(history[0]).toMatchObject({
      commit: { sha: v11, subject: 'web: demo 1.1' },
      operator: 'bob',
      startedAt: '2025-01-02T09:00:00.000Z',
      finishedAt: undefined,
      durationMs: 4 * 60_000,
      approvals: [
        { by: 'carol', decision: 'approve', reason: 'graphs are flat', afterBatch: 1, at: '2025-01-02T09:03:00.000Z' },
      ],
      hostsChanged: ['web-01'],
      hostsOut: [{ host: 'web-03', group: 'web', reason: 'ssh lost' }],
    });
    // And the noted run carries its record
    expect(history[1]).toMatchObject({
      commit: { sha: v10, subject: 'web: demo 1.0' },
      durationMs: 270_000,
      approvals: [{ by: 'alice', reason: 'batch 1 looks good' }],
    });
  });

  it('shows a journaled run whose holder still has the lock as running', async () => {
    const lock = await acquireLock(repo.dir, 'staging', { runId: 'r3', rollout: 'web', operator: 'bob' });
    if (!lock.ok) throw new Error(lock.error.message);
    await writeJournal(repo.dir, 'r3', [started({ sha: v11, subject: 'web: demo 1.1' })], '2025-01-03T09:00:00.000Z');

    expect((await loadHistory(repo.dir))[0]?.result).toBe('running');

    await lock.value.release();
    expect((await loadHistory(repo.dir))[0]?.result).toBe('interrupted');
  });

  it('links an interrupted run to the run that resumed it', async () => {
    await writeJournal(repo.dir, 'r4', [started({ sha: v11, subject: 'web: demo 1.1' })], '2025-01-04T09:00:00.000Z');
    await writeJournal(
      repo.dir,
      'r5',
      [
        started({ sha: v11, subject: 'web: demo 1.1' }, { resumes: 'r4' }),
        {
          type: 'run.finished',
          result: 'succeeded',
          exitCode: 0,
          message: 'done',
          changed: ['web-02'],
          hostsOut: [],
          durationMs: 60_000,
        },
      ],
      '2025-01-04T10:00:00.000Z',
    );

    const history = await loadHistory(repo.dir);

    expect(history.map((h) => [h.runId, h.result, h.resumes, h.resumedBy])).toEqual([
      ['r5', 'succeeded', 'r4', undefined],
      ['r4', 'interrupted', undefined, 'r5'],
    ]);
    expect(history[0]?.finishedAt).toBe('2025-01-04T10:01:00.000Z');
  });

  it('shows a halted run whose resume was interrupted as interrupted: only the last part of a journal ends it', async () => {
    // Given a run that halted with web-01 out, then a resume (same journal) killed mid-way
    const halted = {
      type: 'run.finished',
      result: 'halted',
      exitCode: 1,
      message: 'halted',
      changed: [],
      hostsOut: [{ host: 'web-01', group: 'web', reason: 'health' }],
      durationMs: 60_000,
    };
    await writeJournal(
      repo.dir,
      'r6',
      [
        started({ sha: v11, subject: 'web: demo 1.1' }),
        halted,
        started({ sha: v11, subject: 'web: demo 1.1' }, { resumes: 'r6' }),
        { type: 'host.return.started', host: 'web-01' },
      ],
      '2025-01-05T09:00:00.000Z',
    );

    // When the history is read
    const [entry] = await loadHistory(repo.dir);

    // Then the run is interrupted (its resume never ended), not halted
    expect(entry).toMatchObject({ runId: 'r6', result: 'interrupted', finishedAt: undefined });
  });

  it('keeps to one environment when asked, and skips torn journal lines', async () => {
    await recordRun(repo.dir, aRunRecord({ commit: v10, runId: 'p1', environment: 'prod' }));
    await recordRun(repo.dir, aRunRecord({ commit: v10, runId: 's1' }));
    await writeJournal(
      repo.dir,
      'p2',
      [started({ sha: v11, subject: 'x' }, { environment: 'prod' })],
      '2025-02-01T00:00:00Z',
    );
    await writeFile(join(repo.dir, '.lieutenant', 'runs', 'p2.jsonl'), '{"type":"run.fin', { flag: 'a' });

    expect((await loadHistory(repo.dir, { environment: 'prod' })).map((h) => h.runId)).toEqual(['p2', 'p1']);
    expect((await loadHistory(repo.dir, { environment: 'staging' })).map((h) => h.runId)).toEqual(['s1']);
    expect(await loadHistory(repo.dir, { environment: 'dev' })).toEqual([]);
  });
});

describe('findInterrupted', () => {
  let sandbox: GitSandbox;
  let repo: TestRepo;
  let v11: string;

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    repo = await sandbox.repo();
    ({ v11 } = await twoReleases(repo));
  });
  afterEach(() => sandbox.cleanup());

  it('given journals cut short, then a run the notes record as finished with every host back (another clone took it over) is not interrupted; one noted with a host out still is', async () => {
    // Given three runs this checkout's journals stop in the middle of
    const midBatch = [
      started({ sha: v11, subject: 'web: demo 1.1' }),
      { type: 'batch.started', batch: 1, batches: 2, hosts: ['web-01'] },
      { type: 'host.draining', host: 'web-01' },
    ];
    for (const runId of ['taken-over', 'halted-elsewhere', 'killed'])
      await writeJournal(repo.dir, runId, midBatch, '2025-01-02T09:00:00.000Z');
    // And notes of two of them, finished on another clone: one with every host back, one with web-01 left out
    await recordRun(repo.dir, aRunRecord({ commit: v11, runId: 'taken-over', result: 'succeeded', hostsOut: [] }));
    await recordRun(
      repo.dir,
      aRunRecord({
        commit: v11,
        runId: 'halted-elsewhere',
        result: 'halted',
        hostsOut: [{ host: 'web-01', group: 'web', reason: 'halted' }],
      }),
    );

    // When
    const found = await findInterrupted(repo.dir);

    // Then
    expect(found.ok && found.value.points.map((point) => point.runId).sort()).toEqual(['halted-elsewhere', 'killed']);
  });
});
