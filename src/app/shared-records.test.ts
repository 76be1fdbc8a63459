/**
 * `history` and `status` from any clone: the runs another clone recorded and
 * pushed are read from the remote first, merged with this clone's own, and a
 * remote that cannot be reached is a warning, not a failure.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployedCommit, recordRun } from '../records/deploy/deployed.js';
import { pushDeployState } from '../records/deploy/push-deploy-state.js';
import { createGitSandbox, twoReleases, type GitSandbox, type TestRepo } from '../records/testing/git-fixture.js';
import { aRunRecord } from '../records/testing/run-record.js';
import { historyService } from './history-service.js';

describe('history from any clone', () => {
  let sandbox: GitSandbox;
  let laptop: TestRepo;
  let server: TestRepo;
  let v10: string;
  let v11: string;

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    const { clones } = await sandbox.shared(
      ['laptop', 'server'],
      async (seed) => ({ v10, v11 } = await twoReleases(seed)),
    );
    [laptop, server] = clones as [TestRepo, TestRepo];
  });
  afterEach(() => sandbox.cleanup());

  const record = (commit: string, runId: string, startedAt: string) =>
    aRunRecord({
      commit,
      runId,
      startedAt,
      finishedAt: startedAt,
      subject: commit === v10 ? 'web: demo 1.0' : 'web: demo 1.1',
    });

  it('given runs recorded and pushed by another clone, then history here shows them beside its own, and the deployed ref follows', async () => {
    // Given the server ran and pushed 1.0 then 1.1; the laptop ran 1.0 itself, unpushed
    await recordRun(server.dir, record(v10, 'server-1', '2025-01-01T10:00:00.000Z'));
    await recordRun(server.dir, record(v11, 'server-2', '2025-01-02T10:00:00.000Z'));
    expect((await pushDeployState(server.dir, 'origin')).ok).toBe(true);
    await recordRun(laptop.dir, record(v10, 'laptop-1', '2025-01-01T12:00:00.000Z'));

    // When the laptop reads history without fetching, then only its own run
    const local = await historyService({ repoDir: laptop.dir });
    expect(local.ok && local.value.map((entry) => entry.runId)).toEqual(['laptop-1']);

    // When it reads history as the CLI does
    const warnings: string[] = [];
    const shared = await historyService({
      repoDir: laptop.dir,
      fetchShared: { onWarning: (warning) => warnings.push(warning) },
    });

    // Then every run, newest first, and the deployed ref moved ahead to 1.1
    expect(warnings).toEqual([]);
    expect(shared.ok && shared.value.map((entry) => entry.runId)).toEqual(['server-2', 'laptop-1', 'server-1']);
    expect(await deployedCommit(laptop.dir, 'staging', 'web')).toBe(v11);
  });

  it('given a remote that cannot be reached, then history still answers from this clone, with a warning', async () => {
    await recordRun(laptop.dir, record(v10, 'laptop-1', '2025-01-01T12:00:00.000Z'));
    await laptop.git.remote(['set-url', 'origin', `${sandbox.root}/gone.git`]);
    const warnings: string[] = [];
    const shared = await historyService({
      repoDir: laptop.dir,
      fetchShared: { onWarning: (warning) => warnings.push(warning) },
    });
    expect(shared.ok && shared.value.map((entry) => entry.runId)).toEqual(['laptop-1']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^could not read the shared records on origin \(.*\); showing what this checkout knows$/,
    );
  });
});
