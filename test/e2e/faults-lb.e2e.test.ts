/**
 * The load balancer forgets: HAProxy restarted for real (a new
 * process, no server-state file) or reloaded (`haproxy -sf`, what `systemctl
 * reload` does) while a batch is out of rotation mid-run. The new process
 * knows only its config, so every server comes back `ready` — including the
 * hosts whose packages are about to be replaced. Their installs are held
 * (another process has the dpkg lock), so the moment is certain: the run must
 * notice and take them out again before the install goes on, and say so in
 * its journal (`lb.restarted`, `host.rotation.reasserted`). HAProxy's own log
 * shows the new process had them ready; the rotation sampler proves no
 * install ran on a serving host.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restartHaproxy, type HaproxyRestart } from '../fleet/faults.js';
import { waitFor } from '../fleet/wait.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import {
  httpFailures,
  isServing,
  logTraffic,
  haproxyLog,
  maxNotServing,
  putInMaintBy,
  servingBetween,
  timeOf,
} from './support/fault-watch.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { journaled } from './support/journal-wait.js';
import { holdLock, LOCKS, type HeldLock } from './support/lock-holder.js';
import { eventsOf, lastJournal } from './support/lieutenant.js';
import { spawnLieutenant, type LieutenantProcess } from './support/lieutenant-process.js';
import { commitVersion } from './support/rollout-repo.js';
import { describeWatched, watchFleet } from './support/watch.js';

const given = useFreshFleet();
let hosts: string[];
const started: LieutenantProcess[] = [];
const locks: HeldLock[] = [];

beforeEach(() => {
  hosts = hostNames(given.fleet);
});

afterEach(async () => {
  await Promise.all(locks.splice(0).map((lock) => lock.release().catch(() => undefined)));
  await Promise.all(started.splice(0).map((run) => run.killHard()));
});

const CAP = 3;

describe('HAProxy restarted while a batch is out of rotation', () => {
  it.each<HaproxyRestart>(['restart', 'reload'])(
    'given batch 1 in MAINT with its installs waiting on the dpkg lock, when HAProxy is %sed (every server back to ready), then the run takes them out again before the install goes on, journals it, and ends with every host on 1.1 and UP',
    async (how) => {
      // Given: the first batch's installs held by another process's dpkg lock
      const repo = await given.repo({
        playbook: {
          strategy: { batches: ['50%', '50%'], concurrency: 3, maxUnavailable: CAP, pause: 'none' },
        },
      });
      await commitVersion(repo, '1.1');
      const batch = hosts.slice(0, 3);
      locks.push(...(await Promise.all(batch.map((host) => holdLock(given.fleet, host, LOCKS.dpkgFrontend)))));
      const watch = watchFleet(given.fleet);
      const run = spawnLieutenant(['run', 'web', '--yes'], { repo });
      started.push(run);
      for (const host of batch)
        await journaled(repo, 'host.upgrade.started', { process: run, where: (event) => event.host === host });
      expect(await rotation(given.fleet)).toEqual({ ...allUp(hosts), ...allOn(batch, 'MAINT') });

      // When: HAProxy restarts and forgets the maint
      const restarted = await restartHaproxy(given.fleet, how);

      // Then: the run takes them out again, while their installs still wait on the lock
      await waitFor(
        async () => {
          const now = await rotation(given.fleet);
          return batch.every((host) => !isServing(now[host] ?? 'UP'));
        },
        {
          what: `the run to take ${batch.join(', ')} out of rotation again after HAProxy's ${how} (their installs still wait on the dpkg lock)`,
          timeoutMs: 15_000,
          intervalMs: 50,
        },
      );
      const lockReleasedAt = Date.now();
      await Promise.all(locks.splice(0).map((lock) => lock.release()));
      const exit = await run.exited;
      const watched = await watch.stop();
      logTraffic(`HAProxy ${how} mid-install`, watched.traffic);

      const why = `${exit.output}\n${describeWatched(watched)}`;
      expect(exit.code, why).toBe(0);
      expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
      expect(await rotation(given.fleet)).toEqual(allUp(hosts));
      const events = await lastJournal(repo);
      expect(eventsOf(events, 'run.finished').map((event) => event.result)).toEqual(['succeeded']);
      // …the new HAProxy process had them ready (the fault was real) and was told to put each in maint again…
      expect(
        putInMaintBy(await haproxyLog(given.fleet), restarted.after)
          .filter((host) => batch.includes(host))
          .sort(),
      ).toEqual(batch);
      // …the journal tells: each host re-asserted out of rotation…
      const since = (event: { at: string }) => timeOf(event) >= restarted.at - 250;
      expect(
        eventsOf(events, 'host.rotation.reasserted')
          .filter(since)
          .map((event) => [event.host, event.ok])
          .sort(),
      ).toEqual(batch.map((host) => [host, true]));
      // …and no install ran while HAProxy served the host
      for (const host of batch) {
        const finished = eventsOf(events, 'host.upgrade.finished').find((event) => event.host === host);
        if (!finished) throw new Error(`no host.upgrade.finished for ${host}`);
        expect(servingBetween(watched.rotation, host, lockReleasedAt, timeOf(finished)), why).toEqual([]);
      }
      expect(maxNotServing(watched.rotation).count, why).toBeLessThanOrEqual(CAP);
      // Connections refused while no HAProxy listened (a restart's gap) are the restart's; none may be the application's.
      expect(httpFailures(watched.traffic), why).toEqual({});
      if (how === 'reload') expect(watched.traffic.failures, why).toEqual([]);
      // And the journal names the restart itself (read in `show info`: another pid, a smaller uptime)
      const types = events.map((event) => event.type).join(' ');
      expect(eventsOf(events, 'lb.restarted').filter(since), `lb.restarted after the ${how} in: ${types}`).toHaveLength(
        1,
      );
    },
  );
});
