/**
 * Hosts fall sick: a host DOWN before the run (its service
 * stopped: HAProxy's own checks take it out), a host that dies after its
 * return, a package left unpacked but not configured (a real `dpkg
 * --unpack`), and the dpkg lock held by another process (a real fcntl lock,
 * as apt takes it). The cap counts every server HAProxy does not serve, the
 * run never reports success over a sick host, and a rollback never removes a
 * package that was there before the run.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BROKEN_VERSION, INITIAL_VERSION } from '../fleet/fleet.js';
import { startService, stopService, unpackOnly } from '../fleet/faults.js';
import { waitFor } from '../fleet/wait.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { httpFailures, logTraffic, maxNotServing, servingBetween, timeOf } from './support/fault-watch.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { journaled } from './support/journal-wait.js';
import { holdLock, LOCKS, type HeldLock } from './support/lock-holder.js';
import { eventsOf, lastJournal, runLieutenant } from './support/lieutenant.js';
import { spawnLieutenant, type LieutenantProcess } from './support/lieutenant-process.js';
import { commitVersion, type PlaybookOverrides } from './support/rollout-repo.js';
import { linesMatching, markHostLogs } from './support/ssh-login.js';
import { describeWatched, watchFleet } from './support/watch.js';

const given = useFreshFleet();
let hosts: string[];
const started: LieutenantProcess[] = [];
const locks: HeldLock[] = [];
const stopped: string[] = [];

beforeEach(() => {
  hosts = hostNames(given.fleet);
});

afterEach(async () => {
  await Promise.all(locks.splice(0).map((lock) => lock.release().catch(() => undefined)));
  await Promise.all(started.splice(0).map((run) => run.killHard()));
  for (const host of stopped.splice(0)) await startService(given.fleet, host);
});

/** Halves, three at once; the cap is 3 servers not serving, whatever the cause. */
const HALVES: PlaybookOverrides['strategy'] = {
  batches: ['50%', '50%'],
  concurrency: 3,
  maxUnavailable: 3,
  pause: 'none',
  onFailure: 'rollback',
};
/** A sick host fails its gate (and the cap stops waiting for it) only at this timeout: short, to keep the cases quick. */
const SHORT_HEALTH = { interval: '200ms', timeout: '5s', successThreshold: 2 };

/** watchFleet's traffic: this many requests at once, so at most this many in flight when a host dies. */
const TRAFFIC_LOOPS = 4;

function start(args: readonly string[], repo: { dir: string }): LieutenantProcess {
  const run = spawnLieutenant(args, { repo });
  started.push(run);
  return run;
}

async function stopServiceOf(host: string): Promise<void> {
  stopped.push(host);
  await stopService(given.fleet, host);
  await waitFor(async () => (await rotation(given.fleet))[host] === 'DOWN', {
    what: `HAProxy to mark ${host} DOWN`,
    timeoutMs: 10_000,
    intervalMs: 50,
  });
}

/** `lieutenant status` (text and --json): its exit code, and the environment's problems. */
async function statusOf(repo: { dir: string }) {
  const text = await runLieutenant(['status'], { repo });
  const json = await runLieutenant(['status', '--json'], { repo });
  const problems = json.json.flatMap((line) => (line.type === 'environment' ? (line.problems as string[]) : []));
  return { text, json, problems };
}

describe('sick hosts', () => {
  it('given web-06 DOWN before the run (its service stopped), when a healthy release runs, then the cap counts it, the run does not end succeeded and names it, and status exits non-zero naming it', async () => {
    // Given
    const repo = await given.repo({ playbook: { strategy: HALVES, health: SHORT_HEALTH } });
    await commitVersion(repo, '1.1');
    await stopServiceOf('web-06');

    // When
    const watch = watchFleet(given.fleet);
    const run = await start(['run', 'web', '--yes'], repo).exited;
    const watched = await watch.stop();
    logTraffic('host DOWN before the run', watched.traffic);

    // Then
    const why = `${run.output}\n${describeWatched(watched)}`;
    const events = await lastJournal(repo);
    const [finished] = eventsOf(events, 'run.finished');
    expect(finished?.result, why).not.toBe('succeeded');
    expect(run.code, why).toBe(1);
    expect(run.output).toContain('web-06');
    expect(JSON.stringify(finished)).toContain('web-06');
    expect(maxNotServing(watched.rotation).count, why).toBeLessThanOrEqual(3);
    expect(httpFailures(watched.traffic), why).toEqual({});
    expect(watched.traffic.failures, why).toEqual([]);

    const status = await statusOf(repo);
    expect(status.text.code, status.text.output).not.toBe(0);
    expect(status.text.output).toContain('web-06');
    expect(status.json.code, status.json.output).not.toBe(0);
    expect(status.problems.join('\n')).toContain('web-06');
  });

  it('given a healthy release one host at a time, when web-01 dies just after its return, then the cap counts it, the run ends degraded naming web-01, and status exits non-zero naming it', async () => {
    // Given
    const repo = await given.repo({
      playbook: { strategy: { ...HALVES, concurrency: 1, maxUnavailable: 2 }, health: SHORT_HEALTH },
    });
    await commitVersion(repo, '1.1');

    // When: web-01's service stops the moment the run has put it back
    const watch = watchFleet(given.fleet);
    const running = start(['run', 'web', '--yes'], repo);
    await journaled(repo, 'host.return.finished', { process: running, where: (event) => event.host === 'web-01' });
    await stopServiceOf('web-01');
    const run = await running.exited;
    const watched = await watch.stop();
    logTraffic('host dies after its return', watched.traffic);

    // Then
    const why = `${run.output}\n${describeWatched(watched)}`;
    const [finished] = eventsOf(await lastJournal(repo), 'run.finished');
    expect(finished?.result, why).toBe('degraded');
    expect(run.code, why).toBe(1);
    expect(finished?.message).toContain('web-01');
    expect(run.output).toContain('web-01');
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
    expect(maxNotServing(watched.rotation).count, why).toBeLessThanOrEqual(2);
    // Requests in flight on web-01 when it died are lost (HAProxy cannot resend a request already sent): at most
    // one per traffic loop; none after, as HAProxy's checks took it out and the run never put it back.
    expect(watched.traffic.failed, why).toBeLessThanOrEqual(TRAFFIC_LOOPS);

    const status = await statusOf(repo);
    expect(status.text.code, status.text.output).not.toBe(0);
    expect(status.text.output).toContain('web-01');
    expect(status.problems.join('\n')).toContain('web-01');
  });

  it('given demo 1.1 unpacked but not configured on web-01 (dpkg --unpack, status iU), when a failing release is rolled back, then web-01 is back on 1.1, configured, and demo was never removed', async () => {
    // Given
    const repo = await given.repo({ playbook: { strategy: HALVES, health: { ...SHORT_HEALTH, timeout: '4s' } } });
    await commitVersion(repo, BROKEN_VERSION);
    await unpackOnly(given.fleet, 'web-01', '1.1');
    const logs = await markHostLogs(given.fleet, ['web-01']);

    // When
    const watch = watchFleet(given.fleet);
    const run = await start(['run', 'web', '--yes'], repo).exited;
    const watched = await watch.stop();
    logTraffic('package unpacked, not configured; failing release', watched.traffic);

    // Then
    const why = `${run.output}\n${describeWatched(watched)}`;
    expect(run.code, why).toBe(1);
    const events = await lastJournal(repo);
    expect(eventsOf(events, 'run.finished').map((event) => event.result)).toEqual(['rolled-back']);
    const status = await given.fleet.ssh('web-01', "dpkg-query -W -f='${db:Status-Abbrev}${Version}' demo");
    expect(status.stdout.trim()).toBe('ii 1.1');
    expect(await installedVersions(given.fleet)).toEqual({ ...allOn(hosts, INITIAL_VERSION), 'web-01': '1.1' });
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    const dpkgLog = (await logs.since())['web-01']?.dpkg ?? '';
    expect(linesMatching(dpkgLog, / (remove|purge) demo:/)).toEqual([]);
    expect(
      eventsOf(events, 'host.rollback.started')
        .filter((event) => event.host === 'web-01')
        .map((event) => event.to),
    ).toEqual([{ demo: '1.1' }]);
    expect(maxNotServing(watched.rotation).count, why).toBeLessThanOrEqual(3);
    expect(watched.traffic.failures, why).toEqual([]);
  });

  it('given the dpkg lock held on web-01 by another process, when a release runs, then web-01 waits out of rotation (not failed) until the lock is released, then installs and the run succeeds', async () => {
    // Given
    const repo = await given.repo({ playbook: { strategy: HALVES } });
    await commitVersion(repo, '1.1');
    const lock = await holdLock(given.fleet, 'web-01', LOCKS.dpkgFrontend);
    locks.push(lock);

    // When: web-01's upgrade step has begun (apt-get finds the lock taken)…
    const watch = watchFleet(given.fleet);
    const running = start(['run', 'web', '--yes'], repo);
    await journaled(repo, 'host.upgrade.started', { process: running, where: (event) => event.host === 'web-01' });
    // …held for 3 s more — the fault's length, not a wait for a condition: longer than the 2 s between the
    // package manager's tries, so apt-get has found the lock taken at least twice
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const waiting = await lastJournal(repo);
    const releasedAt = Date.now();
    await locks.splice(0)[0]?.release();
    const run = await running.exited;
    const watched = await watch.stop();
    logTraffic('dpkg lock held for 3 s', watched.traffic);

    // Then: while held, web-01 had neither finished nor failed its upgrade, and it was out of rotation
    const why = `${run.output}\n${describeWatched(watched)}`;
    expect(eventsOf(waiting, 'host.upgrade.finished').filter((event) => event.host === 'web-01')).toEqual([]);
    expect(eventsOf(waiting, 'host.failed')).toEqual([]);
    expect((await rotation(given.fleet))['web-01']).toBe('UP');
    const events = await lastJournal(repo);
    const upgraded = eventsOf(events, 'host.upgrade.finished').find((event) => event.host === 'web-01');
    if (!upgraded) throw new Error(`web-01 never finished its upgrade:\n${why}`);
    expect(timeOf(upgraded)).toBeGreaterThanOrEqual(releasedAt);
    const upgradeStarted = eventsOf(events, 'host.upgrade.started').find((event) => event.host === 'web-01');
    expect(servingBetween(watched.rotation, 'web-01', timeOf(upgradeStarted ?? upgraded), timeOf(upgraded))).toEqual(
      [],
    );
    // …and then it went on: the run succeeded, web-01 on 1.1 and configured
    expect(run.code, why).toBe(0);
    expect(eventsOf(events, 'run.finished').map((event) => event.result)).toEqual(['succeeded']);
    const status = await given.fleet.ssh('web-01', "dpkg-query -W -f='${db:Status-Abbrev}${Version}' demo");
    expect(status.stdout.trim()).toBe('ii 1.1');
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    expect(maxNotServing(watched.rotation).count, why).toBeLessThanOrEqual(3);
    expect(watched.traffic.failures, why).toEqual([]);
  });
});
