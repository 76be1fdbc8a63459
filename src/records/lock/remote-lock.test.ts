import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../core/exit-codes.js';
import type { EnvironmentLock } from './lock-port.js';
import { acquireRemoteLock, lockRef, readRemoteLock } from './remote-lock.js';
import { createGitSandbox, type GitSandbox, type TestRepo } from '../testing/git-fixture.js';

const holder = (runId: string) => ({ runId, rollout: 'web', operator: 'alice' });

describe('the environment lock on the shared remote', () => {
  let sandbox: GitSandbox;
  let remote: string;
  let laptop: TestRepo;
  let server: TestRepo;
  const held: EnvironmentLock[] = [];

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    remote = await sandbox.bare();
    laptop = await sandbox.clone(remote, 'laptop');
    server = await sandbox.clone(remote, 'server');
  });
  afterEach(async () => {
    await Promise.all(held.splice(0).map((lock) => lock.release()));
    await sandbox.cleanup();
  });

  const take = async (clone: TestRepo, runId: string, options: { leaseMs?: number; now?: () => number } = {}) => {
    const taken = await acquireRemoteLock(clone.dir, 'staging', holder(runId), {
      remote: 'origin',
      leaseMs: options.leaseMs ?? 60_000,
      ...(options.now ? { now: options.now } : {}),
    });
    if (taken.ok) held.push(taken.value);
    return taken;
  };

  it('given two clones racing for staging, when both push at once, then exactly one holds it and the other is told who and where (exit 4)', async () => {
    for (let round = 0; round < 3; round += 1) {
      // When
      const [a, b] = await Promise.all([take(laptop, `laptop-${round}`), take(server, `server-${round}`)]);

      // Then
      const winners = [a, b].filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const loser = [a, b].find((r) => !r.ok);
      if (!loser || loser.ok) throw new Error('no loser');
      const winner = a.ok ? a.value : b.ok ? b.value : undefined;
      expect(loser.error.exitCode).toBe(ExitCode.locked);
      expect(loser.error.holder?.runId).toBe(winner?.info.runId);
      expect(loser.error.message).toContain(`pid ${process.pid}`);
      expect(loser.error.message).toContain(`@${hostname()}:${a.ok ? laptop.dir : server.dir}`);
      expect(loser.error.details).toEqual(['lock: origin refs/lieutenant/locks/staging']);
      const seen = await readRemoteLock(laptop.dir, 'origin', 'staging');
      expect(seen.kind === 'held' && seen.info.runId).toBe(winner?.info.runId);
      await winner?.release();
      held.splice(0);
    }
  });

  it('given a lock released by its holder, when another clone asks, then it gets it without a takeover and the ref is gone meanwhile', async () => {
    // Given
    const first = await take(laptop, 'run-1');
    if (!first.ok) throw new Error(first.error.message);
    await first.value.release();
    expect((await readRemoteLock(server.dir, 'origin', 'staging')).kind).toBe('free');

    // When
    const second = await take(server, 'run-2');

    // Then
    expect(second.ok && second.value.takenOver).toBe(undefined);
  });

  it('given a holder whose lease ran out, when another clone asks, then it takes the lock over, names the run it stranded, and the old holder learns it lost the lock', async () => {
    // Given a holder on a 4 s lease (renewed every second), seen by a clock 12 s ahead: past lease + the 5 s skew
    // allowance. (A lease much shorter renews so often that, on a loaded machine, each of the taker's
    // compare-and-swap attempts finds the ref just moved.)
    const first = await take(laptop, 'stranded', { leaseMs: 4_000 });
    if (!first.ok) throw new Error(first.error.message);
    const lapsed = first.value.fence.lapsed;
    const lost = new Promise<unknown>((resolve) =>
      lapsed.addEventListener('abort', () => resolve(lapsed.reason), { once: true }),
    );

    // When
    const second = await take(server, 'taker', { now: () => Date.now() + 12_000 });

    // Then
    if (!second.ok) throw new Error(second.error.message);
    expect(second.value.takenOver?.runId).toBe('stranded');
    expect(second.value.warning).toMatch(/^took over the lock of staging from run stranded .*its lease ran out$/);
    // Its renewal finds the lock moved, or its own clock finds the lease over first: it may act no more
    expect(await lost).toMatchObject({ kind: 'lease-lapsed', environment: 'staging' });
    expect(first.value.fence.check().ok).toBe(false);
    await first.value.release(); // a lost lock is never deleted by its old holder
    const seen = await readRemoteLock(laptop.dir, 'origin', 'staging');
    expect(seen.kind === 'held' && seen.info.runId).toBe('taker');
  });

  it('given a live holder renewing its lease, when another clone asks after the first lease would have run out, then it is still refused', async () => {
    // Given
    const first = await take(laptop, 'alive', { leaseMs: 4_000 });
    if (!first.ok) throw new Error(first.error.message);
    const renewedBefore = first.value.info.renewedAt;
    await expect.poll(() => first.value.info.renewedAt, { timeout: 5_000 }).not.toBe(renewedBefore);
    await first.value.assign({ runId: 'alive-2', rollout: 'web' });

    // When
    const second = await take(server, 'late', { now: () => Date.parse(first.value.info.renewedAt) + 4_500 });

    // Then
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.error.holder?.runId).toBe('alive-2');
  });

  it('given a ref there that is not a lock, when a run asks, then it is bad input (exit 2) naming the fix', async () => {
    // Given
    const sha = await laptop.commit('not a lock', { 'a.txt': 'a\n' });
    await laptop.git.raw(['push', '-q', 'origin', `${sha}:${lockRef('staging')}`]);

    // When
    const taken = await take(server, 'run-1');

    // Then
    expect(taken.ok).toBe(false);
    if (taken.ok) return;
    expect(taken.error.exitCode).toBe(ExitCode.badInput);
    expect(taken.error.message).toMatch(/^origin refs\/lieutenant\/locks\/staging is not a lock Lieutenant wrote/);
    expect(taken.error.details).toEqual([
      'if no run is active in staging, delete it: git push origin :refs/lieutenant/locks/staging',
    ]);
  });

  it('given a remote that cannot be reached, when a run asks, then it is refused (exit 2) saying so', async () => {
    // Given
    await laptop.git.raw(['remote', 'set-url', 'origin', `${sandbox.root}/gone.git`]);

    // When
    const taken = await take(laptop, 'run-1');

    // Then
    expect(taken.ok).toBe(false);
    if (taken.ok) return;
    expect(taken.error.exitCode).toBe(ExitCode.badInput);
    expect(taken.error.message).toMatch(/^could not read the lock of staging on origin: /);
  });
});
