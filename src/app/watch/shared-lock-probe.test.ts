import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireRemoteLock } from '../../records/lock/remote-lock.js';
import { createGitSandbox, type GitSandbox, type TestRepo } from '../../records/testing/git-fixture.js';
import { sharedLockProbe } from './shared-lock-probe.js';

describe('the /metrics lock probe with the lock on the remote', () => {
  let sandbox: GitSandbox;
  let active: TestRepo;
  let standby: TestRepo;
  beforeEach(async () => {
    sandbox = await createGitSandbox();
    const remote = await sandbox.bare();
    active = await sandbox.clone(remote, 'active');
    standby = await sandbox.clone(remote, 'standby');
  });
  afterEach(() => sandbox.cleanup());

  it("given another clone's run holding staging on the remote, then the standby's probe reports it held, and free once released", async () => {
    // Given
    const probe = sharedLockProbe(standby.dir, 'origin');
    expect(await probe.environments()).toEqual([]);
    const lock = await acquireRemoteLock(
      active.dir,
      'staging',
      { runId: 'run-1', rollout: 'web', operator: 'alice' },
      { remote: 'origin', leaseMs: 60_000 },
    );
    if (!lock.ok) throw new Error(lock.error.message);

    // Then
    expect(await probe.environments()).toEqual(['staging']);
    expect(await probe.held('staging')).toBe(true);
    await lock.value.release();
    expect(await probe.held('staging')).toBe(false);
    expect(await probe.environments()).toEqual([]);
  });
});
