/** Which remote holds an environment's lock, on real repositories with real remotes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitSandbox, type GitSandbox, type TestRepo } from '../records/testing/git-fixture.js';
import { lockRemoteOf } from './shared-run.js';

describe('lockRemoteOf', () => {
  let sandbox: GitSandbox;
  let clone: TestRepo;

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    const { remote, clones } = await sandbox.shared(['clone']);
    [clone] = clones as [TestRepo];
    await clone.git.addRemote('mirror', remote);
  });
  afterEach(async () => {
    await sandbox.cleanup();
  });

  it('given no --remote, then origin; given one named, then that one', async () => {
    expect(await lockRemoteOf(clone.dir)).toEqual({ ok: true, value: 'origin' });
    expect(await lockRemoteOf(clone.dir, 'mirror')).toEqual({ ok: true, value: 'mirror' });
  });

  it('given --remote none, then no remote: the checkout lock only', async () => {
    expect(await lockRemoteOf(clone.dir, 'none')).toEqual({ ok: true, value: undefined });
  });

  it('given a remote the repo lacks, then bad input naming the remotes it has', async () => {
    const chosen = await lockRemoteOf(clone.dir, 'upstream');
    expect(chosen).toMatchObject({
      ok: false,
      error: { exitCode: 2, message: 'the rollout repo has no remote upstream (remotes: mirror, origin)' },
    });
  });

  it('given a remote really called none, then --remote none is that remote', async () => {
    await clone.git.addRemote('none', await sandbox.bare());
    expect(await lockRemoteOf(clone.dir, 'none')).toEqual({ ok: true, value: 'none' });
  });
});
