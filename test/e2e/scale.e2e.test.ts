/**
 * Scale at CI size: one real rollout on a fleet of 50 hosts (50 sshd, one
 * shared demo service, HAProxy), on a fleet of this file's own — prefix
 * LIEUTENANT_SCALE_PREFIX, default 127.0.9 (no other test uses it), dir
 * .fleet/e2e-scale — so it never meets the shared e2e fleet. Times are the
 * bench's business (bench/curve.bench.ts); here: the run succeeds within its
 * cap, and before a host's batch Lieutenant runs at most one remote command on it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, stopFleet, type Fleet } from '../fleet/fleet.js';
import { REPO_ROOT } from '../fleet/paths.js';
import { sshSnapshot, sshUsage } from '../fleet/ssh-counts.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames } from './support/given-fleet.js';
import { runLieutenant } from './support/lieutenant.js';
import { commitVersion, makeRolloutRepo, type RolloutRepo } from './support/rollout-repo.js';
import { describeWatched, watchFleet } from './support/watch.js';

const HOSTS = 50;
const PREFIX = process.env.LIEUTENANT_SCALE_PREFIX ?? '127.0.9';
const DIR = join(REPO_ROOT, '.fleet', 'e2e-scale');

let fleet: Fleet;
let repo: RolloutRepo;

beforeAll(async () => {
  fleet = await startFleet({ dir: DIR, hosts: HOSTS, prefix: PREFIX, owner: process.pid, sharedService: true });
  repo = await makeRolloutRepo(fleet, {
    playbook: {
      strategy: {
        batches: ['50%', '50%'],
        concurrency: 25,
        maxUnavailable: '50%',
        pause: 'none',
        onFailure: 'rollback',
      },
      health: { interval: '200ms', timeout: '60s', successThreshold: 2 },
      drain: { timeout: '30s' },
    },
  });
  await commitVersion(repo, '1.1');
});

afterAll(async () => {
  await repo?.remove();
  await stopFleet(DIR);
});

describe(`a rollout on ${HOSTS} hosts`, () => {
  it('Given 50 hosts on demo 1.0, When planned, Then each host runs exactly one remote command (read and repository check together)', async () => {
    const names = hostNames(fleet);
    const before = await sshSnapshot(DIR, names);
    const planned = await runLieutenant(['plan', 'web'], { repo });
    const usage = sshUsage(before, await sshSnapshot(DIR, names));

    expect(planned.code, planned.output).toBe(0);
    expect(usage.commands).toBe(HOSTS);
    expect(usage.mostCommandsOnAHost).toBe(1);
  });

  it('Given 50 hosts on demo 1.0 and a commit releasing 1.1 in halves, When run, Then all are on 1.1, never more than 25 out, and no request failed', async () => {
    const names = hostNames(fleet);
    const watch = watchFleet(fleet);
    const run = await runLieutenant(['run', 'web', '--yes'], { repo });
    const watched = await watch.stop();

    expect(run.code, run.output).toBe(0);
    expect(await installedVersions(fleet)).toEqual(allOn(names, '1.1'));
    expect(await rotation(fleet)).toEqual(allUp(names));
    expect(watched.rotation.maxOut, describeWatched(watched)).toBeLessThanOrEqual(HOSTS / 2);
    expect(watched.rotation.everOut, describeWatched(watched)).toEqual(names);
    expect(watched.traffic.failures, describeWatched(watched)).toEqual([]);
  });
});
