import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordRun } from '../../records/deploy/deployed.js';
import {
  createGitSandbox,
  inventoryYaml,
  playbookYaml,
  type GitSandbox,
  type TestRepo,
} from '../../records/testing/git-fixture.js';
import { aRunRecord } from '../../records/testing/run-record.js';
import { loadRepo } from '../../spec/repo.js';
import { pendingRollouts } from './pending.js';

const web = (version: string) => playbookYaml({ rollout: 'web', inventory: 'staging', version });
const api = (version: string) => playbookYaml({ rollout: 'api', inventory: 'staging', version });

describe('pendingRollouts: what the branch head asks of the fleet', () => {
  let sandbox: GitSandbox;
  let repo: TestRepo;
  let first: string;

  const pendingAtHead = async () => {
    const head = await repo.head();
    const specs = await loadRepo(repo.dir, head);
    if (!specs.ok) throw new Error(JSON.stringify(specs.error));
    return pendingRollouts(repo.dir, specs.value, head);
  };
  const deployed = (
    commit: string,
    rollout = 'web',
    result: 'succeeded' | 'rolled-back' = 'succeeded',
    runId = `run-${rollout}-${commit.slice(0, 7)}`,
  ) => recordRun(repo.dir, aRunRecord({ commit, rollout, result, runId }));
  const revert = async (sha: string): Promise<string> => {
    await repo.git.raw(['revert', '--no-edit', sha]);
    return repo.head();
  };

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    repo = await sandbox.repo();
    first = await repo.commit('demo 1.0', {
      'inventories/staging.yaml': inventoryYaml('staging'),
      'playbooks/web.yaml': web('1.0'),
      'playbooks/api.yaml': api('1.0'),
    });
  });
  afterEach(() => sandbox.cleanup());

  it('given nothing deployed yet, then every rollout runs at the head', async () => {
    expect(await pendingAtHead()).toEqual([
      { rollout: 'api', environment: 'staging', action: 'run' },
      { rollout: 'web', environment: 'staging', action: 'run' },
    ]);
  });

  it('given both deployed at the head, then nothing is pending', async () => {
    await deployed(first, 'web');
    await deployed(first, 'api');
    expect(await pendingAtHead()).toEqual([]);
  });

  it('given a release of web only, then web runs and api (unchanged since its deploy) does not', async () => {
    await deployed(first, 'web');
    await deployed(first, 'api');
    await repo.commit('web: demo 1.1', { 'playbooks/web.yaml': web('1.1') });

    expect(await pendingAtHead()).toEqual([{ rollout: 'web', environment: 'staging', action: 'run' }]);
  });

  it('given the head was already tried and rolled back, then it is skipped with the run that tried it, not retried', async () => {
    await deployed(first, 'web');
    await deployed(first, 'api');
    const release = await repo.commit('web: demo 1.2', { 'playbooks/web.yaml': web('1.2') });
    await deployed(release, 'web', 'rolled-back', 'run-that-failed');

    expect(await pendingAtHead()).toEqual([
      {
        rollout: 'web',
        environment: 'staging',
        action: 'skip',
        reason: 'run run-that-failed already tried this commit (rolled-back); to try again: lieutenant run web',
      },
    ]);
  });

  it('given a deployed release and then its revert, then the revert runs (that is the rollback)', async () => {
    await deployed(first, 'api');
    const release = await repo.commit('web: demo 1.1', { 'playbooks/web.yaml': web('1.1') });
    await deployed(release, 'web');
    await revert(release);

    expect(await pendingAtHead()).toEqual([{ rollout: 'web', environment: 'staging', action: 'run' }]);
  });

  it('given a release and its revert that both arrive before a deploy, and the revert left the file slightly different, then web is skipped as reverted', async () => {
    await deployed(first, 'web');
    await deployed(first, 'api');
    const release = await repo.commit('web: demo 1.1', { 'playbooks/web.yaml': web('1.1') });
    await repo.commit(`Revert "web: demo 1.1"\n\nThis reverts commit ${release}.`, {
      'playbooks/web.yaml': `# back to 1.0\n${web('1.0')}`,
    });

    const [pending] = await pendingAtHead();
    expect(pending).toEqual({
      rollout: 'web',
      environment: 'staging',
      action: 'skip',
      reason: `every change since the deployed ${first.slice(0, 7)} was reverted`,
    });
  });

  it('given a revert that was itself reverted, then the release counts again and runs', async () => {
    await deployed(first, 'web');
    await deployed(first, 'api');
    const release = await repo.commit('web: demo 1.1', { 'playbooks/web.yaml': web('1.1') });
    const undo = await revert(release);
    await revert(undo);

    expect(await pendingAtHead()).toEqual([{ rollout: 'web', environment: 'staging', action: 'run' }]);
  });

  it('given a release next to a reverted one, then the release still runs', async () => {
    await deployed(first, 'web');
    await deployed(first, 'api');
    const broken = await repo.commit('web: demo 1.2', { 'playbooks/web.yaml': web('1.2') });
    await revert(broken);
    await repo.commit('web: demo 1.1', { 'playbooks/web.yaml': web('1.1') });

    expect(await pendingAtHead()).toEqual([{ rollout: 'web', environment: 'staging', action: 'run' }]);
  });
});
