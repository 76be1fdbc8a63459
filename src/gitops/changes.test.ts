import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changedPlaybooks, isReverted } from './changes.js';
import { createGitSandbox, inventoryYaml, playbookYaml } from '../records/testing/git-fixture.js';
import type { GitSandbox, TestRepo } from '../records/testing/git-fixture.js';

describe('changedPlaybooks', () => {
  let sandbox: GitSandbox;
  let repo: TestRepo;
  let base: string;

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    repo = await sandbox.repo();
    // Given web and api on staging, and batch on prod
    base = await repo.commit('initial', {
      'inventories/staging.yaml': inventoryYaml('staging'),
      'inventories/prod.yaml': inventoryYaml('prod'),
      'playbooks/web.yaml': playbookYaml({ rollout: 'web', inventory: 'staging', version: '1.0' }),
      'playbooks/api.yaml': playbookYaml({ rollout: 'api', inventory: 'staging', version: '1.0' }),
      'playbooks/batch.yaml': playbookYaml({ rollout: 'batch', inventory: 'prod', version: '1.0' }),
      'README.md': 'rollouts\n',
    });
  });
  afterEach(() => sandbox.cleanup());

  it('names the playbook a commit changed', async () => {
    const next = await repo.commit('web 1.1', {
      'playbooks/web.yaml': playbookYaml({ rollout: 'web', inventory: 'staging', version: '1.1' }),
    });
    expect(await changedPlaybooks(repo.dir, base, next)).toEqual(['web']);
  });

  it('names every playbook using a changed inventory', async () => {
    const next = await repo.commit('staging: a third host', {
      'inventories/staging.yaml': inventoryYaml('staging', 3),
    });
    expect(await changedPlaybooks(repo.dir, base, next)).toEqual(['api', 'web']);
  });

  it('ignores files outside playbooks/ and inventories/, and deleted playbooks', async () => {
    const next = await repo.commit('docs, and retire api', { 'README.md': 'changed\n', 'playbooks/api.yaml': null });
    expect(await changedPlaybooks(repo.dir, base, next)).toEqual([]);
  });

  it('counts a new playbook, across several commits', async () => {
    await repo.commit('web 1.1', {
      'playbooks/web.yaml': playbookYaml({ rollout: 'web', inventory: 'staging', version: '1.1' }),
    });
    const next = await repo.commit('new rollout', {
      'playbooks/cache.yaml': playbookYaml({ rollout: 'cache', inventory: 'prod', version: '2.0' }),
    });
    expect(await changedPlaybooks(repo.dir, base, next)).toEqual(['cache', 'web']);
  });

  it('names every playbook when there is no earlier commit', async () => {
    expect(await changedPlaybooks(repo.dir, undefined, base)).toEqual(['api', 'batch', 'web']);
  });
});

describe('isReverted', () => {
  let sandbox: GitSandbox;
  let repo: TestRepo;
  beforeEach(async () => {
    sandbox = await createGitSandbox();
    repo = await sandbox.repo();
    await repo.commit('web 1.0', {
      'playbooks/web.yaml': playbookYaml({ rollout: 'web', inventory: 'staging', version: '1.0' }),
    });
  });
  afterEach(() => sandbox.cleanup());

  it('is true once a later commit reverts it, and false again when that revert is reverted', async () => {
    // Given a release
    const release = await repo.commit('web 1.1', {
      'playbooks/web.yaml': playbookYaml({ rollout: 'web', inventory: 'staging', version: '1.1' }),
    });
    expect(await isReverted(repo.dir, release, await repo.head())).toBe(false);

    // When git reverts it
    await repo.git.raw(['revert', '--no-edit', release]);
    const revert = await repo.head();
    // Then it counts as reverted (also when named by a short sha)
    expect(await isReverted(repo.dir, release, revert)).toBe(true);
    expect(await isReverted(repo.dir, release.slice(0, 8), revert)).toBe(true);
    // But not as seen from before the revert
    expect(await isReverted(repo.dir, release, release)).toBe(false);

    // When the revert is reverted, the release is live again
    await repo.git.raw(['revert', '--no-edit', revert]);
    expect(await isReverted(repo.dir, release, await repo.head())).toBe(false);
  });

  it('is not fooled by a message naming another commit', async () => {
    const release = await repo.commit('web 1.1', {
      'playbooks/web.yaml': playbookYaml({ rollout: 'web', inventory: 'staging', version: '1.1' }),
    });
    await repo.commit('This reverts commit 0123456789abcdef0123456789abcdef01234567.', { 'x.txt': 'x' });
    expect(await isReverted(repo.dir, release, await repo.head())).toBe(false);
  });
});
