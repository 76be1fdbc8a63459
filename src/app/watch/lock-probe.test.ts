import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, lockPath } from '../../records/index.js';
import { localLockProbe } from './lock-probe.js';

describe('localLockProbe', () => {
  let repoDir: string;
  beforeEach(async () => {
    repoDir = await mkdtemp(join(tmpdir(), 'lieutenant-lock-probe-'));
  });
  afterEach(async () => {
    await rm(repoDir, { recursive: true, force: true });
  });

  it('Given no lock folder yet, When asked, Then no environment and nothing held', async () => {
    const probe = localLockProbe(repoDir);
    expect(await probe.environments()).toEqual([]);
    expect(await probe.held('staging')).toBe(false);
  });

  it('Given a run holding staging, When asked before and after it releases, Then held, then not', async () => {
    // Given
    const lock = await acquireLock(repoDir, 'staging', { runId: 'run-1', rollout: 'web', operator: 'alice' });
    if (!lock.ok) throw new Error(lock.error.message);
    const probe = localLockProbe(repoDir);
    // When / Then
    expect(await probe.environments()).toEqual(['staging']);
    expect(await probe.held('staging')).toBe(true);
    await lock.value.release();
    expect(await probe.held('staging')).toBe(false);
  });

  it('Given a lock left by a process that is gone, When asked, Then it is not held (the next run takes it over)', async () => {
    // Given
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    const path = lockPath(repoDir, 'production');
    await mkdir(dirname(path), { recursive: true });
    const since = new Date().toISOString();
    const info = {
      pid: child.pid,
      user: 'bob',
      host: hostname(),
      since,
      runId: 'run-dead',
      rollout: 'web',
      operator: 'bob',
    };
    await writeFile(path, JSON.stringify(info));
    // When
    const probe = localLockProbe(repoDir);
    // Then
    expect(await probe.environments()).toEqual(['production']);
    expect(await probe.held('production')).toBe(false);
  });
});
