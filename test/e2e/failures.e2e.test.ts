/**
 * When a release is bad: the broken demo 1.2 (installs, then /health answers
 * 500) under both failure policies — also when it brings a new package, which
 * the rollback removes again — and a version the repository lacks, refused
 * before anything leaves rotation.
 */
import { describe, expect, it } from 'vitest';
import { ADDON_PACKAGE, ADDON_VERSION, BROKEN_VERSION, INITIAL_VERSION, resetFleet } from '../fleet/fleet.js';
import { allOn, installedVersions, installedVersionsOf, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { eventsOf, hostsMentioned, lastJournal, runLieutenant } from './support/lieutenant.js';
import { commitPackages, commitVersion } from './support/rollout-repo.js';
import { describeWatched, watchFleet } from './support/watch.js';

const given = useFreshFleet();

// A 500 fails the gate only at its timeout (a starting service may answer 500 for a while): keep it short here.
const FAILING_HEALTH = { interval: '200ms', timeout: '4s', successThreshold: 2 };

describe('a failing release against the fleet', () => {
  it('given the broken version in halves with onFailure rollback, when run, then exit 1, the first batch is back on 1.0 and UP, the second never touched, and the journal says why', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    const repo = await given.repo({
      playbook: {
        strategy: { batches: ['50%', '50%'], maxUnavailable: '50%', pause: 'none', onFailure: 'rollback' },
        health: FAILING_HEALTH,
      },
    });
    await commitVersion(repo, BROKEN_VERSION);

    // When
    const watch = watchFleet(given.fleet);
    const run = await runLieutenant(['run', 'web', '--yes'], { repo });
    const watched = await watch.stop();

    // Then
    expect(run.code, run.output).toBe(1);
    const journal = await lastJournal(repo);
    const firstBatch = eventsOf(journal, 'batch.started').map((event) => event.hosts);
    expect(firstBatch).toEqual([hosts.slice(0, 3)]);
    const untouched = hosts.slice(3);

    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    expect(hostsMentioned(journal, ['host.drain.started', 'host.drain.finished', 'host.upgrade.started'])).toEqual(
      hosts.slice(0, 3),
    );
    expect(hostsMentioned(journal).filter((host) => untouched.includes(host))).toEqual([]);
    expect(watched.rotation.everOut, describeWatched(watched)).toEqual(hosts.slice(0, 3));
    expect(watched.rotation.maxOut, describeWatched(watched)).toBeLessThanOrEqual(3);
    // The broken hosts never served: the gate kept them out until they were back on 1.0.
    expect(watched.traffic.failures, describeWatched(watched)).toEqual([]);

    const failed = eventsOf(journal, 'host.failed');
    expect(failed.map((event) => [event.host, event.step]).sort()).toEqual(
      hosts.slice(0, 3).map((host) => [host, 'health']),
    );
    for (const event of failed) expect(event.reason).toMatch(/HTTP 500/);
    expect(
      eventsOf(journal, 'host.rollback.finished')
        .map((event) => [event.host, event.ok])
        .sort(),
    ).toEqual(hosts.slice(0, 3).map((host) => [host, true]));
    expect(eventsOf(journal, 'run.finished').map((event) => [event.result, event.exitCode, event.hostsOut])).toEqual([
      ['rolled-back', 1, []],
    ]);
  });

  it('given a release of the broken version that also adds demo-addon, when run with onFailure rollback, then the first batch is back on demo 1.0 without demo-addon, and the second never had it', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    const [firstBatch, secondBatch] = [hosts.slice(0, 3), hosts.slice(3)];
    const repo = await given.repo({
      playbook: {
        strategy: { batches: ['50%', '50%'], maxUnavailable: '50%', pause: 'none', onFailure: 'rollback' },
        health: FAILING_HEALTH,
      },
    });
    await commitPackages(repo, { demo: BROKEN_VERSION, [ADDON_PACKAGE]: ADDON_VERSION });

    // When
    const run = await runLieutenant(['run', 'web', '--yes'], { repo });

    // Then: the release did install the add-on on batch 1, and the rollback removed it again
    expect(run.code, run.output).toBe(1);
    const journal = await lastJournal(repo);
    const upgraded = eventsOf(journal, 'host.upgrade.finished');
    for (const host of firstBatch) {
      expect(upgraded.filter((event) => event.host === host).map((event) => event.after)).toEqual([
        { demo: BROKEN_VERSION, [ADDON_PACKAGE]: ADDON_VERSION },
        { demo: INITIAL_VERSION, [ADDON_PACKAGE]: null },
      ]);
    }
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
    expect(await installedVersionsOf(given.fleet, ADDON_PACKAGE)).toEqual(allOn(hosts, ''));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    expect(hostsMentioned(journal).filter((host) => secondBatch.includes(host))).toEqual([]);
    expect(eventsOf(journal, 'run.finished').map((event) => [event.result, event.hostsOut])).toEqual([
      ['rolled-back', []],
    ]);
  });

  it('given the broken version one host at a time with onFailure halt, when run, then exit 1, the failed host stays in MAINT, the output names it and why, and the others are untouched', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    const repo = await given.repo({
      playbook: {
        strategy: { batches: [1], maxUnavailable: 1, pause: 'none', onFailure: 'halt' },
        health: FAILING_HEALTH,
      },
    });
    await commitVersion(repo, BROKEN_VERSION);

    try {
      // When
      const watch = watchFleet(given.fleet);
      const run = await runLieutenant(['run', 'web', '--yes'], { repo });
      const watched = await watch.stop();

      // Then
      expect(run.code, run.output).toBe(1);
      const [failedHost, ...others] = hosts;
      if (failedHost === undefined) throw new Error('empty fleet');
      expect((await rotation(given.fleet))[failedHost]).toBe('MAINT');
      expect(await rotation(given.fleet)).toEqual({ ...allUp(others), [failedHost]: 'MAINT' });
      expect(await installedVersions(given.fleet)).toEqual({
        ...allOn(others, INITIAL_VERSION),
        [failedHost]: BROKEN_VERSION,
      });
      expect(run.output).toMatch(new RegExp(`out of rotation: ${failedHost}\\b.*HTTP 500`));
      expect(watched.rotation.everOut, describeWatched(watched)).toEqual([failedHost]);
      expect(watched.rotation.maxOut).toBe(1);

      const journal = await lastJournal(repo);
      expect(hostsMentioned(journal)).toEqual([failedHost]);
      expect(eventsOf(journal, 'host.failed').map((event) => [event.host, event.step, event.outOfRotation])).toEqual([
        [failedHost, 'health', true],
      ]);
      const [finished] = eventsOf(journal, 'run.finished');
      expect(finished?.result).toBe('halted');
      expect(finished?.hostsOut.map((out) => out.host)).toEqual([failedHost]);
      expect(finished?.hostsOut[0]?.reason).toMatch(/HTTP 500/);
    } finally {
      // Return the halted host for the next test.
      await resetFleet(given.fleet);
    }
  });

  it('given a version missing from the repository, when planned and run, then both exit 2 naming demo=9.9 before any drain, and every host still on 1.0', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    const repo = await given.repo();
    await commitVersion(repo, '9.9');

    // When
    const watch = watchFleet(given.fleet);
    const plan = await runLieutenant(['plan', 'web'], { repo });
    const run = await runLieutenant(['run', 'web', '--yes', '--json'], { repo });
    const watched = await watch.stop();

    // Then plan shows no plan that run would refuse
    expect(plan.code, plan.output).toBe(2);
    expect(plan.output).toContain('would refuse this plan at preflight');
    expect(plan.output).toContain('demo=9.9');
    expect(plan.output).not.toContain('batches (');
    expect(run.code, run.output).toBe(2);
    expect(run.output).toContain('demo=9.9');
    expect(eventsOf(run.events, 'run.finished').map((event) => event.result)).toEqual(['invalid']);
    expect(run.events.filter((event) => event.type.startsWith('host.'))).toEqual([]);
    expect((await lastJournal(repo)).filter((event) => event.type.startsWith('host.'))).toEqual([]);
    expect(watched.rotation.maxOut, describeWatched(watched)).toBe(0);
    expect(watched.rotation.samples.length).toBeGreaterThan(0);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
  });
});
