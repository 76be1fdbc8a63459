/**
 * Records pushed by another clone, on real repositories and a bare remote:
 * a deployed ref naming a commit off the branch is refused, never adopted;
 * garbage where the notes live never stops a command.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRecords } from '../deploy/deployed.js';
import { fetchRunNotes } from '../deploy/fetch-deploy-state.js';
import { appendSyncLog, fetchSyncLog, readSyncLog } from '../sync/sync-log.js';
import { createGitSandbox, twoReleases, type GitSandbox, type TestRepo } from '../testing/git-fixture.js';
import { adoptDeployedRefs } from './deployed-refs.js';

let sandbox: GitSandbox;
let here: TestRepo;
let other: TestRepo;
let releases: { v10: string; v11: string };

beforeEach(async () => {
  sandbox = await createGitSandbox();
  const shared = await sandbox.shared(['here', 'other'], async (seed) => {
    releases = await twoReleases(seed);
  });
  [here, other] = shared.clones as [TestRepo, TestRepo];
});
afterEach(() => sandbox.cleanup());

/** A commit that was never on main: a side branch of `other`, pushed only as a ref. */
async function sideCommit(): Promise<string> {
  await other.git.raw(['checkout', '-q', '-b', 'side']);
  const side = await other.commit('demo 6.6', { 'playbooks/web.yaml': 'rollout: web\n' });
  await other.git.raw(['checkout', '-q', 'main']);
  return side;
}

describe('deployed refs pushed by another clone', () => {
  it('given one ref naming a commit off main and one naming a commit of main, when fetched, then only the second is adopted and the first is reported', async () => {
    const side = await sideCommit();
    await other.git.raw(['push', '-q', 'origin', `${side}:refs/lieutenant/deployed/staging/web`]);
    await other.git.raw(['push', '-q', 'origin', `${releases.v10}:refs/lieutenant/deployed/staging/api`]);

    const adoption = await adoptDeployedRefs(here.dir, 'origin', { policy: 'remote-wins' });

    expect(adoption).toEqual({
      ok: true,
      value: {
        adopted: ['refs/lieutenant/deployed/staging/api'],
        ignored: [{ ref: 'refs/lieutenant/deployed/staging/web', commit: side, reason: 'not on main' }],
      },
    });
    const ours = await here.git.raw(['for-each-ref', '--format=%(refname)', 'refs/lieutenant/deployed/']);
    expect(ours.trim()).toBe('refs/lieutenant/deployed/staging/api');
  });

  it('given a teammate deployed a commit pushed to main after this clone last pulled, when fetched, then it is adopted (main on the remote counts)', async () => {
    const v12 = await other.commit('web: demo 1.2', {});
    await other.git.raw(['push', '-q', 'origin', 'main', `${v12}:refs/lieutenant/deployed/staging/web`]);

    const adoption = await adoptDeployedRefs(here.dir, 'origin', { policy: 'ahead-only' });

    expect(adoption).toMatchObject({
      ok: true,
      value: { adopted: ['refs/lieutenant/deployed/staging/web'], ignored: [] },
    });
  });
});

describe('garbage where the notes live', () => {
  const entry = (commit: string) => ({
    environment: 'staging',
    commit,
    event: 'detected' as const,
    at: '2026-01-01T00:00:00Z',
    by: 'watcher',
  });

  it('given a blob pushed as refs/notes/lieutenant-sync and refs/notes/lieutenant, when fetched, then each is refused with the reason and nothing here breaks', async () => {
    const blob = await hashBlob(other);
    await other.git.raw([
      'push',
      '-q',
      'origin',
      `${blob}:refs/notes/lieutenant-sync`,
      `${blob}:refs/notes/lieutenant`,
    ]);

    expect(await fetchSyncLog(here.dir, 'origin')).toMatch(/refs\/notes\/lieutenant-sync was not taken \(.* is a blob/);
    expect(await fetchRunNotes(here.dir, 'origin')).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/was not taken/) },
    });
    expect(await appendSyncLog(here.dir, entry(releases.v11))).toBeUndefined();
    expect(await readSyncLog(here.dir)).toEqual([entry(releases.v11)]);
    expect(await runRecords(here.dir)).toEqual([]);
  });

  it('given this checkout already holds a damaged sync log, when the watcher logs, then it is set aside, said, and the log begins again', async () => {
    await here.git.raw(['update-ref', 'refs/notes/lieutenant-sync', await hashBlob(here)]);

    expect(await appendSyncLog(here.dir, entry(releases.v10))).toMatch(
      /is a blob, not a notes commit: set aside as refs\/lieutenant-damaged\/notes\/lieutenant-sync/,
    );
    expect(await readSyncLog(here.dir)).toEqual([entry(releases.v10)]);
  });
});

async function hashBlob(repo: TestRepo): Promise<string> {
  await repo.write({ 'garbage.txt': 'garbage\n' });
  return (await repo.git.raw(['hash-object', '-w', 'garbage.txt'])).trim();
}
