import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitSandbox, type GitSandbox } from '../records/testing/git-fixture.js';
import { rolloutFixture } from '../testing/rollout-builder.js';
import { cordon, cordonDuration, cordonsOf, listCordons, refreshCordons, uncordon } from './cordon-service.js';

let sandbox: GitSandbox;
beforeEach(async () => {
  sandbox = await createGitSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

const NOW = Date.parse('2026-12-08T10:00:00.000Z');
const HOUR = 3_600_000;
// The sandbox's inventory: staging, group web, hosts web-01 and web-02.
const rollout = rolloutFixture({ groups: [{ hosts: 2 }] });

describe('cordons shared through the remote', () => {
  it('given a cordon set in one clone, when another clone reads, then it sees who, why, since and until', async () => {
    const { clones } = await sandbox.shared(['alice', 'bob']);
    const [alice, bob] = clones as [(typeof clones)[0], (typeof clones)[0]];

    const done = await cordon({
      repoDir: alice.dir,
      target: 'web-02',
      reason: 'debugging a leak',
      forMs: 2 * HOUR,
      now: NOW,
    });

    expect(done.ok && done.value).toMatchObject({ environment: 'staging', remote: 'origin' });
    const seen = await cordonsOf(bob.dir, rollout, NOW + HOUR);
    expect(Object.keys(seen.cordoned)).toEqual(['web-02']);
    expect(seen.cordoned['web-02']).toEqual({
      target: 'web-02',
      kind: 'host',
      reason: 'debugging a leak',
      by: expect.any(String) as string,
      since: '2026-12-08T10:00:00.000Z',
      until: '2026-12-08T12:00:00.000Z',
    });
  });

  it('given two clones cordoning at once, then neither cordon is lost', async () => {
    const { clones } = await sandbox.shared(['alice', 'bob']);
    const [alice, bob] = clones as [(typeof clones)[0], (typeof clones)[0]];

    const both = await Promise.all([
      cordon({ repoDir: alice.dir, target: 'web-01', reason: 'one', now: NOW }),
      cordon({ repoDir: bob.dir, target: 'web-02', reason: 'two', now: NOW }),
    ]);

    expect(both.map((r) => r.ok)).toEqual([true, true]);
    await refreshCordons(alice.dir);
    expect((await listCordons(alice.dir, 'staging', NOW)).map((c) => c.target).sort()).toEqual(['web-01', 'web-02']);
  });

  it('given a cordon for an hour, when the hour has passed, then it is gone by itself', async () => {
    const { clones } = await sandbox.shared(['alice']);
    const alice = clones[0]!;
    await cordon({ repoDir: alice.dir, target: 'web-01', reason: 'reboot', forMs: HOUR, now: NOW });

    expect(Object.keys((await cordonsOf(alice.dir, rollout, NOW + HOUR - 1)).cordoned)).toEqual(['web-01']);
    expect((await cordonsOf(alice.dir, rollout, NOW + HOUR)).cordoned).toEqual({});
  });

  it('given a group cordon, then every host of the group is cordoned; uncordon in another clone lifts it everywhere', async () => {
    const { clones } = await sandbox.shared(['alice', 'bob']);
    const [alice, bob] = clones as [(typeof clones)[0], (typeof clones)[0]];
    await cordon({ repoDir: alice.dir, target: 'web', reason: 'capacity test', now: NOW });

    expect(Object.keys((await cordonsOf(bob.dir, rollout, NOW)).cordoned)).toEqual(['web-01', 'web-02']);
    const lifted = await uncordon({ repoDir: bob.dir, target: 'web', now: NOW });

    expect(lifted.ok).toBe(true);
    expect((await cordonsOf(alice.dir, rollout, NOW)).cordoned).toEqual({});
  });

  it('given a name that is no host, group or environment, then it is refused naming the nearest', async () => {
    const { clones } = await sandbox.shared(['alice']);

    const refused = await cordon({ repoDir: clones[0]!.dir, target: 'web-1', reason: 'x', now: NOW });

    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/web-1 is no host, group or environment.*did you mean/);
  });

  it('reads --for as minutes, hours or days, at most 30 days', () => {
    expect(cordonDuration('90m')).toBe(90 * 60_000);
    expect(cordonDuration('2d')).toBe(48 * HOUR);
    expect(cordonDuration('31d')).toBeUndefined();
    expect(cordonDuration('2 hours')).toBeUndefined();
  });
});
