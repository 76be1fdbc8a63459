import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordRun } from '../records/deploy/deployed.js';
import { revertRelease } from './revert.js';
import { createGitSandbox, inventoryYaml, twoReleases, playbookYaml } from '../records/testing/git-fixture.js';
import type { GitSandbox, TestRepo } from '../records/testing/git-fixture.js';
import { aRunRecord } from '../records/testing/run-record.js';

const web = (version: string) => playbookYaml({ rollout: 'web', inventory: 'staging', version });

describe('revertRelease', () => {
  let sandbox: GitSandbox;
  let repo: TestRepo;
  let v10: string;
  let v11: string;

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    repo = await sandbox.repo();
    // Given 1.0, then 1.1 deployed to staging
    ({ v10, v11 } = await twoReleases(repo));
    await recordRun(repo.dir, aRunRecord({ commit: v11 }));
  });
  afterEach(() => sandbox.cleanup());

  const playbookAtHead = () => readFile(join(repo.dir, 'playbooks/web.yaml'), 'utf8');
  const headMessage = async () => (await repo.git.raw(['log', '-1', '--format=%B'])).trim();

  it('reverts the release deployed to the environment, naming it in the message', async () => {
    // When the staging release is reverted
    const result = await revertRelease(repo.dir, { environment: 'staging' });

    // Then HEAD is a new commit with 1.0 again
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toEqual({
      revertSha: await repo.head(),
      reverted: { sha: v11, subject: 'web: demo 1.1' },
      playbooks: ['playbooks/web.yaml'],
      rollouts: ['web'],
    });
    expect(await playbookAtHead()).toBe(web('1.0'));
    // And its message says what it rolls back
    expect(await headMessage()).toBe(
      [
        'Revert "web: demo 1.1"',
        '',
        `Rolls back release ${v11.slice(0, 7)} (web: demo 1.1) of staging/web.`,
        `This reverts commit ${v11}.`,
      ].join('\n'),
    );
    expect((await repo.git.raw(['rev-parse', 'HEAD^'])).trim()).toBe(v11);
  });

  it('walks back from the deployed commit to the last one that changed the playbook', async () => {
    // Given a docs commit deployed after 1.1
    const docs = await repo.commit('docs', { 'README.md': 'hello\n' });
    await recordRun(repo.dir, aRunRecord({ commit: docs, runId: 'run-2' }));

    const result = await revertRelease(repo.dir, { environment: 'staging', rollout: 'web' });

    expect(result.ok && result.value.reverted.sha).toBe(v11);
    expect(await playbookAtHead()).toBe(web('1.0'));
  });

  it('aborts a revert that conflicts with later changes, leaving the tree as it was', async () => {
    // Given a later release of the same playbook
    await repo.commit('web: demo 2.0', { 'playbooks/web.yaml': web('2.0') });

    // When the commit that created the playbook is reverted (delete vs. later modify)
    const result = await revertRelease(repo.dir, { commit: v10.slice(0, 10) });

    // Then it is refused as a conflict
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.message).toMatch(/conflicts with later changes in playbooks\/web\.yaml; nothing was changed/);
    // And the tree is as it was
    expect(await playbookAtHead()).toBe(web('2.0'));
    expect((await repo.git.status()).isClean()).toBe(true);
    expect(await repo.git.raw(['log', '-1', '--format=%s'])).toBe('web: demo 2.0\n');
  });

  it('reverts an explicitly named commit that is not the deployed one, finding its environment from the playbook', async () => {
    const api = (version: string) => playbookYaml({ rollout: 'api', inventory: 'staging', version });
    await repo.commit('api: demo 2.9', { 'playbooks/api.yaml': api('2.9') });
    const api30 = await repo.commit('api: demo 3.0', { 'playbooks/api.yaml': api('3.0') });
    await repo.commit('web: demo 2.0', { 'playbooks/web.yaml': web('2.0') });

    const result = await revertRelease(repo.dir, { commit: api30 });

    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.playbooks).toEqual(['playbooks/api.yaml']);
    expect(result.value.rollouts).toEqual(['api']);
    expect(await readFile(join(repo.dir, 'playbooks/api.yaml'), 'utf8')).toBe(api('2.9'));
    expect(await headMessage()).toContain(`Rolls back release ${api30.slice(0, 7)} (api: demo 3.0) of staging/api.`);
    expect(await playbookAtHead()).toBe(web('2.0'));
  });

  it('refuses a dirty working tree, naming the files', async () => {
    await repo.write({ 'playbooks/web.yaml': web('9.9') });

    const result = await revertRelease(repo.dir, { environment: 'staging' });

    expect(result).toMatchObject({
      ok: false,
      error: { message: 'the working tree has uncommitted changes: playbooks/web.yaml' },
    });
    expect(await repo.head()).toBe(v11);
  });

  it('refuses to revert the first release, which would delete the specs, committing nothing', async () => {
    // Given a repo whose only release created the inventory and the playbook
    const first = await sandbox.repo('first-release');
    const v10 = await first.commit('web: demo 1.0', {
      'inventories/staging.yaml': inventoryYaml('staging'),
      'playbooks/web.yaml': web('1.0'),
    });
    // When that release is reverted
    const result = await revertRelease(first.dir, { commit: v10 });

    // Then nothing is committed, the tree is as it was, and the refusal says what to do instead
    expect(result).toMatchObject({
      ok: false,
      error: {
        message: `reverting ${v10.slice(0, 7)} (web: demo 1.0) would delete inventories/staging.yaml, playbooks/web.yaml, which a run needs; nothing was committed`,
        detail: expect.stringContaining('commit the versions you want in the playbook'),
      },
    });
    expect(await first.head()).toBe(v10);
    expect(await readFile(join(first.dir, 'playbooks/web.yaml'), 'utf8')).toBe(web('1.0'));
    expect((await first.git.status()).isClean()).toBe(true);
  });

  it('refuses to revert a release twice', async () => {
    expect((await revertRelease(repo.dir, { environment: 'staging' })).ok).toBe(true);

    const again = await revertRelease(repo.dir, { environment: 'staging' });

    expect(again).toMatchObject({
      ok: false,
      error: { message: `${v11.slice(0, 7)} (web: demo 1.1) is already reverted` },
    });
  });

  it('refuses a revision range and a bare repository, saying what to give instead', async () => {
    // Given a range as the commit to revert
    const range = await revertRelease(repo.dir, { commit: 'HEAD~1..HEAD' });
    expect(range).toMatchObject({
      ok: false,
      error: { message: 'revision "HEAD~1..HEAD" is a range, not one commit (give a commit SHA, a branch or a tag)' },
    });
    // And a bare clone as the rollout repo
    const bare = join(sandbox.root, 'bare.git');
    await simpleGit().raw(['clone', '-q', '--bare', repo.dir, bare]);
    const inBare = await revertRelease(bare, { environment: 'staging' });
    expect(inBare).toMatchObject({
      ok: false,
      error: {
        message: expect.stringMatching(
          /^rollout repo .*bare\.git is a bare repository; Lieutenant works in a checkout/,
        ),
      },
    });
    // Then nothing was committed
    expect(await repo.head()).toBe(v11);
  });

  it('says when nothing was deployed to the environment', async () => {
    const result = await revertRelease(repo.dir, { environment: 'prod' });
    expect(result).toMatchObject({ ok: false, error: { message: 'nothing has been deployed to prod yet' } });
  });

  it('pushes the revert to the remote', async () => {
    // Given a remote tracking main
    const remote = await sandbox.bare();
    await repo.git.addRemote('origin', remote);
    await repo.git.raw(['push', '--quiet', '-u', 'origin', 'main']);

    // When the revert is made with push
    const result = await revertRelease(repo.dir, { environment: 'staging', push: true });

    // Then the remote's main is the revert
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.pushedTo).toBe('origin');
    const remoteMain = (await simpleGit({ baseDir: remote }).raw(['rev-parse', 'main'])).trim();
    expect(remoteMain).toBe(result.value.revertSha);
  });
});
