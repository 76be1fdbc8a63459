import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordRun } from '../records/deploy/deployed.js';
import type { HistoryEntry } from '../app/history-service.js';
import { createGitSandbox } from '../records/testing/git-fixture.js';
import type { GitSandbox, TestRepo } from '../records/testing/git-fixture.js';
import { aRunRecord } from '../records/testing/run-record.js';
import { history } from './history.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';

describe('lieutenant history', () => {
  let sandbox: GitSandbox;
  let repo: TestRepo;
  beforeEach(async () => {
    sandbox = await createGitSandbox();
    repo = await sandbox.repo();
  });
  afterEach(() => sandbox.cleanup());

  it('prints the runs noted in the repo, and --json one object per line', async () => {
    const sha = await repo.commit('web: demo 1.1', { 'playbooks/web.yaml': 'rollout: web\ninventory: staging\n' });
    await recordRun(repo.dir, aRunRecord({ commit: sha, runId: 'r1' }));
    await recordRun(
      repo.dir,
      aRunRecord({ commit: sha, runId: 'r2', environment: 'prod', startedAt: '2025-01-05T00:00:00.000Z' }),
    );

    const table = captureIo();
    expect(await history({ repoDir: repo.dir, environment: 'staging', json: false }, { io: table })).toBe(0);
    expect(table.out()).toMatch(
      new RegExp(
        `^STARTED .*\\n\\S+ \\S+ +staging/web +${sha.slice(0, 7)} +web: demo 1\\.1 +alice +4m 30s +succeeded\\n    approved after batch 1 by alice: batch 1 looks good\\n$`,
      ),
    );

    const json = captureIo();
    await history({ repoDir: repo.dir, json: true }, { io: json });
    const lines = json
      .out()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as HistoryEntry);
    expect(lines.map((l) => [l.runId, l.environment, l.commit.sha])).toEqual([
      ['r2', 'prod', sha],
      ['r1', 'staging', sha],
    ]);
  });

  it('is wired into the CLI: --repo, ENV and --json', async () => {
    const sha = await repo.commit('web: demo 1.1', {});
    await recordRun(repo.dir, aRunRecord({ commit: sha, runId: 'r1' }));
    const io = captureIo();

    const code = await runCli(['history', 'staging', '--json', '--repo', repo.dir], io);

    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({
      runId: 'r1',
      environment: 'staging',
      result: 'succeeded',
      commit: { sha },
    });
  });

  it('says so when there are no runs', async () => {
    await repo.commit('prod', { 'inventories/prod.yaml': 'environment: prod\n' });
    const io = captureIo();
    expect(await history({ repoDir: repo.dir, environment: 'prod', json: false }, { io })).toBe(0);
    expect(io.out()).toBe('no runs in prod yet\n');
  });

  it('exits 2 for an environment that has no inventory and never ran, listing the ones there are', async () => {
    // Given a repo with a staging inventory and a prod run noted
    const sha = await repo.commit('staging', { 'inventories/staging.yaml': 'environment: staging\n' });
    await recordRun(repo.dir, aRunRecord({ commit: sha, runId: 'r1', environment: 'prod' }));
    // When the history of a mistyped environment is asked for
    const io = captureIo();
    const code = await runCli(['history', 'stagign', '--repo', repo.dir], io);
    // Then it is refused, naming the environments there are
    expect(code).toBe(2);
    expect(io.err()).toBe(`environments: prod, staging\nlieutenant: no environment stagign in ${repo.dir}\n`);
    expect(io.out()).toBe('');
  });

  it('exits 2 in a directory that is not a git repository', async () => {
    const io = captureIo();
    const code = await runCli(['history', '--repo', sandbox.root], io);
    expect(code).toBe(2);
    expect(io.err()).toMatch(/^lieutenant: rollout repo .* not a git repository \(run "git init" there/);
  });
});
