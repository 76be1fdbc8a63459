import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simpleGit } from 'simple-git';
import { deployedCommit, deployedCommits, pushDeployState, recordRun, runRecords } from './deployed.js';
import { createGitSandbox, twoReleases } from '../testing/git-fixture.js';
import type { GitSandbox, TestRepo } from '../testing/git-fixture.js';
import { aRunRecord } from '../testing/run-record.js';

describe('deployed state in Git', () => {
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

  it('notes a run on its commit, readable with plain git', async () => {
    // When a run of 1.1 is recorded
    const record = aRunRecord({ commit: v11, runId: 'run-a' });
    await recordRun(repo.dir, record);

    // Then the note on that commit is a JSON array holding it
    const note = await repo.git.raw(['notes', '--ref', 'lieutenant', 'show', v11]);
    expect(JSON.parse(note)).toEqual([record]);
    // And runRecords reads it back
    expect(await runRecords(repo.dir)).toEqual([record]);
  });

  it('appends a second run of the same commit to its note', async () => {
    // Given a commit that was rolled back once, then applied
    const first = aRunRecord({
      commit: v11,
      runId: 'run-a',
      result: 'rolled-back',
      startedAt: '2025-01-02T10:00:00.000Z',
    });
    const second = aRunRecord({ commit: v11, runId: 'run-b', startedAt: '2025-01-02T11:00:00.000Z' });
    await recordRun(repo.dir, first);
    await recordRun(repo.dir, second);

    // Then both are in the note, oldest first
    const note = JSON.parse(await repo.git.raw(['notes', '--ref', 'lieutenant', 'show', v11]));
    expect(note.map((r: { runId: string }) => r.runId)).toEqual(['run-a', 'run-b']);
    // And recording the same run again does not duplicate it
    await recordRun(repo.dir, second);
    expect((await runRecords(repo.dir)).map((r) => r.runId)).toEqual(['run-a', 'run-b']);
  });

  it('moves the deployed ref only when a run fully applied its commit', async () => {
    // Given 1.0 applied
    await recordRun(repo.dir, aRunRecord({ commit: v10, runId: 'run-a' }));
    expect(await deployedCommit(repo.dir, 'staging', 'web')).toBe(v10);

    // When 1.1 is rolled back, halted, aborted
    for (const result of ['rolled-back', 'halted', 'aborted', 'invalid'] as const) {
      await recordRun(repo.dir, aRunRecord({ commit: v11, runId: `run-${result}`, result }));
    }
    // Then 1.0 is still what is deployed
    expect(await deployedCommit(repo.dir, 'staging', 'web')).toBe(v10);

    // When 1.1 finally succeeds
    await recordRun(repo.dir, aRunRecord({ commit: v11, runId: 'run-ok' }));
    expect(await deployedCommit(repo.dir, 'staging', 'web')).toBe(v11);
    expect(await repo.git.raw(['rev-parse', 'refs/lieutenant/deployed/staging/web'])).toBe(`${v11}\n`);
    expect(await deployedCommits(repo.dir, 'staging')).toEqual(new Map([['web', v11]]));
  });

  it('reports nothing deployed for an environment never run', async () => {
    expect(await deployedCommit(repo.dir, 'prod', 'web')).toBeUndefined();
    expect(await runRecords(repo.dir)).toEqual([]);
  });

  it('filters runs by environment and orders them by start', async () => {
    await recordRun(
      repo.dir,
      aRunRecord({ commit: v11, runId: 'late', environment: 'prod', startedAt: '2025-01-03T00:00:00Z' }),
    );
    await recordRun(repo.dir, aRunRecord({ commit: v10, runId: 'early', startedAt: '2025-01-01T00:00:00Z' }));
    await recordRun(repo.dir, aRunRecord({ commit: v11, runId: 'mid', startedAt: '2025-01-02T00:00:00Z' }));

    expect((await runRecords(repo.dir)).map((r) => r.runId)).toEqual(['early', 'mid', 'late']);
    expect((await runRecords(repo.dir, { environment: 'staging' })).map((r) => r.runId)).toEqual(['early', 'mid']);
  });

  it('pushes notes and deployed refs to a bare remote', async () => {
    // Given a remote, and a run recorded locally
    const remote = await sandbox.bare();
    await repo.git.addRemote('origin', remote);
    await repo.git.push('origin', 'main');
    await recordRun(repo.dir, aRunRecord({ commit: v11 }));

    // When the deploy state is pushed
    const pushed = await pushDeployState(repo.dir, 'origin');

    // Then the remote has both refs
    expect(pushed).toEqual({
      ok: true,
      value: { pushed: ['refs/lieutenant/deployed/staging/web', 'refs/notes/lieutenant'] },
    });
    const bare = simpleGit({ baseDir: remote });
    expect((await bare.raw(['rev-parse', 'refs/lieutenant/deployed/staging/web'])).trim()).toBe(v11);
    expect(JSON.parse(await bare.raw(['notes', '--ref', 'lieutenant', 'show', v11]))[0].runId).toBe('run-1');
  });

  it('pushes nothing when no run was recorded yet', async () => {
    const remote = await sandbox.bare();
    await repo.git.addRemote('origin', remote);
    expect(await pushDeployState(repo.dir, 'origin')).toEqual({ ok: true, value: { pushed: [] } });
  });

  it('merges notes another machine pushed first instead of losing them', async () => {
    // Given two clones of one remote, each recording a different run of the same commit
    const remote = await sandbox.bare();
    await repo.git.addRemote('origin', remote);
    await repo.git.push('origin', 'main');
    const other = await sandbox.clone(remote, 'other');
    await recordRun(other.dir, aRunRecord({ commit: v11, runId: 'theirs', startedAt: '2025-01-02T09:00:00.000Z' }));
    await recordRun(
      other.dir,
      aRunRecord({ commit: v10, runId: 'theirs-only', startedAt: '2025-01-01T09:00:00.000Z' }),
    );
    expect((await pushDeployState(other.dir, 'origin')).ok).toBe(true);
    await recordRun(repo.dir, aRunRecord({ commit: v11, runId: 'ours', startedAt: '2025-01-02T10:00:00.000Z' }));

    // When we push ours
    const pushed = await pushDeployState(repo.dir, 'origin');

    // Then it succeeds and the remote holds every run
    expect(pushed.ok).toBe(true);
    const bare = simpleGit({ baseDir: remote });
    const onV11 = JSON.parse(await bare.raw(['notes', '--ref', 'lieutenant', 'show', v11]));
    expect(onV11.map((r: { runId: string }) => r.runId)).toEqual(['theirs', 'ours']);
    expect(JSON.parse(await bare.raw(['notes', '--ref', 'lieutenant', 'show', v10]))[0].runId).toBe('theirs-only');
  });
});
