import { afterAll, describe, expect, it } from 'vitest';
import { simpleGit } from 'simple-git';
import { recordRun } from '../records/deploy/deployed.js';
import { aRunRecord } from '../records/testing/run-record.js';
import { fixtureFiles, makeSpecRepo, type SpecRepo } from '../spec/testing/spec-repo.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';

const repos: SpecRepo[] = [];
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.remove()));
});

describe('lieutenant revert of the first release', () => {
  it('exits 2 before anything is committed, saying what to do instead', async () => {
    // Given a rollout repo whose only commit created the specs, deployed to staging
    const repo = await makeSpecRepo();
    repos.push(repo);
    const first = await repo.commit(await fixtureFiles('example'), 'Release demo 1.0');
    await recordRun(repo.dir, aRunRecord({ commit: first }));
    const io = captureIo();

    // When the last release is reverted and run
    const code = await runCli(['revert', '--run', '--yes', '--repo', repo.dir], io);

    // Then it is refused as bad input, naming the specs and the way out
    expect(code).toBe(2);
    expect(io.err()).toContain(
      `lieutenant: reverting ${first.slice(0, 7)} (Release demo 1.0) would delete inventories/staging.yaml, playbooks/web.yaml, which a run needs; nothing was committed`,
    );
    expect(io.err()).toContain('commit the versions you want in the playbook');
    expect(io.err()).not.toMatch(/\n\s+at /); // no stack trace
    // And the branch and the tree are as they were
    const git = simpleGit({ baseDir: repo.dir });
    expect((await git.revparse(['HEAD'])).trim()).toBe(first);
    expect((await git.status()).isClean()).toBe(true);
  });
});
