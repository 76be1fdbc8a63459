/**
 * The happy path against the real fleet (OpenSSH, apt, HAProxy): taboot's
 * halves and an odd group under a tight cap, with a rotation sampler and
 * live traffic watching every moment — docs/safety.md: maxUnavailable, and no
 * failed request through HAProxy.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runLogPath } from '../../src/records/index.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { eventsOf, journals, runLieutenant } from './support/lieutenant.js';
import { commitVersion } from './support/rollout-repo.js';
import { describeWatched, watchFleet } from './support/watch.js';

const given = useFreshFleet();

describe('lieutenant run against the fleet', () => {
  it('given 6 hosts on demo 1.0 and a commit releasing 1.1 in halves, when run twice, then all are on 1.1 with at most 3 out and no failed request, and the re-run changes nothing', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    const repo = await given.repo({
      playbook: { strategy: { batches: ['50%', '50%'], maxUnavailable: '50%', pause: 'none' } },
    });
    await commitVersion(repo, '1.1');

    // When
    const watch = watchFleet(given.fleet);
    const first = await runLieutenant(['run', 'web', '--yes'], { repo });
    const watched = await watch.stop();

    // Then
    expect(first.code, first.output).toBe(0);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    expect(watched.rotation.errors, describeWatched(watched)).toEqual([]);
    expect(watched.rotation.maxOut, describeWatched(watched)).toBeLessThanOrEqual(3);
    expect(watched.rotation.everOut, describeWatched(watched)).toEqual(hosts);
    expect(watched.traffic.failures, describeWatched(watched)).toEqual([]);
    expect(watched.traffic.ok, describeWatched(watched)).toBeGreaterThan(50);
    // Traffic really went through the release: both versions answered it.
    const served = Object.keys(watched.traffic.servedBy).join(' ');
    expect(served).toContain('demo 1.0');
    expect(served).toContain('demo 1.1');
    // One runtime-API client served the whole run within its 3 connections, and its log's last line says so.
    const [firstRun] = await journals(repo);
    const logLines = (await readFile(runLogPath(repo.dir, firstRun?.runId ?? ''), 'utf8')).trimEnd().split('\n');
    expect(JSON.parse(logLines.at(-1) ?? '{}')).toMatchObject({
      msg: 'haproxy.runtime-api',
      loadBalancers: { edge: { failures: 0, peakConnections: expect.any(Number) } },
    });
    expect(JSON.parse(logLines.at(-1) ?? '{}').loadBalancers.edge.peakConnections).toBeLessThanOrEqual(3);

    // When: the same commit again
    const rewatch = watchFleet(given.fleet);
    const second = await runLieutenant(['run', 'web', '--yes', '--json'], { repo });
    const rewatched = await rewatch.stop();

    // Then: nothing to do, nothing drained
    expect(second.code, second.output).toBe(0);
    expect(eventsOf(second.events, 'run.finished').map((event) => [event.result, event.changed])).toEqual([
      ['nothing-to-do', []],
    ]);
    expect(eventsOf(second.events, 'host.drain.started')).toEqual([]);
    const [, secondJournal] = await journals(repo);
    expect(secondJournal?.events.map((event) => event.type)).toEqual(['run.started', 'run.finished']);
    expect(rewatched.rotation.maxOut, describeWatched(rewatched)).toBe(0);
    expect(rewatched.rotation.samples.length).toBeGreaterThan(0);
    expect(rewatched.traffic.failures).toEqual([]);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
  });

  it('given an inventory of 5 hosts and maxUnavailable 1, when released with concurrency 1 and then 3, then each run puts all five on its version with never more than 1 out and no failed request', async () => {
    // Given: web-01..05 only, odd halves (3 then 2)
    const five = hostNames(given.fleet).slice(0, 5);
    expect(five).toHaveLength(5);
    const repo = await given.repo({
      hosts: five,
      playbook: { strategy: { batches: ['50%', '50%'], maxUnavailable: 1, concurrency: 1 } },
    });

    for (const [version, concurrency] of [
      ['1.1', 1],
      ['2.0', 3],
    ] as const) {
      await commitVersion(repo, version, { strategy: { concurrency } });

      // When
      const watch = watchFleet(given.fleet, five);
      const run = await runLieutenant(['run', 'web', '--yes', '--json'], { repo });
      const watched = await watch.stop();

      // Then
      expect(run.code, `concurrency ${concurrency}: ${run.output}`).toBe(0);
      expect(eventsOf(run.events, 'batch.started').map((event) => event.hosts)).toEqual([
        five.slice(0, 3),
        five.slice(3),
      ]);
      expect(await installedVersions(given.fleet, five)).toEqual(allOn(five, version));
      expect(watched.rotation.errors).toEqual([]);
      expect(watched.rotation.maxOut, `concurrency ${concurrency}: ${describeWatched(watched)}`).toBe(1);
      expect(watched.rotation.everOut).toEqual(five);
      expect(watched.traffic.failures, describeWatched(watched)).toEqual([]);
      expect(watched.traffic.ok).toBeGreaterThan(50);
    }
  });
});
