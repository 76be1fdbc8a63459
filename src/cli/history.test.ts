import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordRun } from '../gitops/deployed.js';
import type { HistoryEntry } from '../app/history-service.js';
import { createGitSandbox } from '../gitops/testing/git-fixture.js';
import type { GitSandbox, TestRepo } from '../gitops/testing/git-fixture.js';
import { aRunRecord } from '../gitops/testing/run-record.js';
import { formatHistory, history } from './history.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';

const entry = (overrides: Partial<HistoryEntry>): HistoryEntry => ({
  runId: 'r1',
  environment: 'staging',
  rollout: 'web',
  commit: { sha: SHA, subject: 'web: demo 1.1' },
  operator: 'alice',
  startedAt: '2025-01-02T10:00:00.000Z',
  finishedAt: '2025-01-02T10:04:30.000Z',
  durationMs: 270_000,
  result: 'succeeded',
  approvals: [],
  hostsChanged: [],
  hostsOut: [],
  source: 'note',
  ...overrides,
});

describe('formatHistory', () => {
  it('prints one row per run with its gate answers and hosts left out below it', () => {
    const text = formatHistory(
      [
        entry({
          runId: 'r2',
          startedAt: '2025-01-03T08:15:00.000Z',
          durationMs: 65_000,
          finishedAt: undefined,
          result: 'interrupted',
          resumedBy: 'r3',
          operator: 'bob',
          commit: { sha: SHA, subject: 'web: demo 2.0, a subject far too long to fit the column' },
          approvals: [
            { by: 'carol', decision: 'approve', reason: 'graphs flat', at: '2025-01-03T08:16:00.000Z', afterBatch: 1 },
          ],
          hostsOut: [{ host: 'web-03', group: 'web', reason: 'ssh lost' }],
        }),
        entry({
          approvals: [{ by: 'alice', decision: 'abort', at: '2025-01-02T10:02:00.000Z', afterBatch: 2 }],
          result: 'aborted',
        }),
      ],
      'UTC',
    );

    expect(text).toBe(
      [
        'STARTED           WHERE        COMMIT   SUBJECT                                   OPERATOR  DURATION  RESULT',
        '2025-01-03 08:15  staging/web  abcdef0  web: demo 2.0, a subject far too long t…  bob       1m 05s    interrupted (resumed by r3)',
        '    approved after batch 1 by carol: graphs flat',
        '    out of rotation: web-03 (ssh lost)',
        '2025-01-02 10:00  staging/web  abcdef0  web: demo 1.1                             alice     4m 30s    aborted',
        '    aborted after batch 2 by alice',
        '',
      ].join('\n'),
    );
  });
});

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
    await repo.commit('empty', {});
    const io = captureIo();
    await history({ repoDir: repo.dir, environment: 'prod', json: false }, { io });
    expect(io.out()).toBe('no runs in prod yet\n');
  });
});
