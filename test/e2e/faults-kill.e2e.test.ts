/**
 * The orchestrator dies: a real `lieutenant run` process killed with
 * SIGKILL (its whole process group) the moment its write-ahead journal says a
 * step has begun — each step kind of a healthy release, the install and the
 * health gate of a failing one, and a rollback — then `lieutenant resume
 * --yes` in a fresh process. The rotation sampler (counting every server not
 * serving, DOWN included) and live traffic through HAProxy watch the whole
 * time, kill and resume together. Then `revert --run` over an interrupted
 * run: the run it supersedes must never be resumed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventOf, RunEvent, RunEventType } from '../../src/engine/index.js';
import { BROKEN_VERSION, INITIAL_VERSION } from '../fleet/fleet.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { httpFailures, logTraffic, maxNotServing } from './support/fault-watch.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { journaled } from './support/journal-wait.js';
import { eventsOf, journals } from './support/lieutenant.js';
import {
  runLieutenantProcess,
  spawnLieutenant,
  type LieutenantProcess,
  type ProcessExit,
} from './support/lieutenant-process.js';
import { commitVersion, type PlaybookOverrides, type RolloutRepo } from './support/rollout-repo.js';
import { describeWatched, watchFleet } from './support/watch.js';

const given = useFreshFleet();
/** The rollout's hosts: four of the fleet's six, so each of the many cases stays short. */
let hosts: string[];
let repo: RolloutRepo;
const started: LieutenantProcess[] = [];

beforeEach(() => {
  hosts = hostNames(given.fleet).slice(0, 4);
});

afterEach(async () => {
  // A failed test must not leave a run behind, holding the lock or the fleet.
  await Promise.all(started.splice(0).map((run) => run.killHard()));
});

/** Halves, both hosts of a batch at once: a kill leaves a whole batch mid-step. The cap is 2 servers not serving. */
const CAP = 2;
const HALVES: PlaybookOverrides['strategy'] = {
  batches: ['50%', '50%'],
  concurrency: 2,
  maxUnavailable: CAP,
  pause: 'none',
  onFailure: 'rollback',
};
/** A 500 fails the gate only at its timeout: short, so the failing cases stay quick. */
const FAILING_HEALTH = { interval: '200ms', timeout: '4s', successThreshold: 2 };

function start(args: readonly string[]): LieutenantProcess {
  const run = spawnLieutenant(args, { repo });
  started.push(run);
  return run;
}

/** kill -9 the run's process group; it must really die of the signal, not have finished on its own. */
async function killNine(run: LieutenantProcess): Promise<ProcessExit> {
  const exit = await run.killHard();
  expect(exit.signal, exit.output).toBe('SIGKILL');
  return exit;
}

interface KillCase {
  name: string;
  release: 'healthy' | 'failing';
  /** Killed once this event is journaled (its step has begun). */
  at: RunEventType;
  where?: (event: RunEvent) => boolean;
  pause?: 'approve';
}

const KILLS: KillCase[] = [
  { name: 'a healthy release, killed as it drains', release: 'healthy', at: 'host.drain.started' },
  { name: 'a healthy release, killed as apt upgrades', release: 'healthy', at: 'host.upgrade.started' },
  { name: 'a healthy release, killed in the health gate', release: 'healthy', at: 'host.health.checked' },
  { name: 'a healthy release, killed as it returns a host', release: 'healthy', at: 'host.return.started' },
  {
    name: 'a healthy release, killed at its approve gate',
    release: 'healthy',
    at: 'gate.waiting',
    pause: 'approve',
  },
  { name: 'a failing release, killed as apt installs it', release: 'failing', at: 'host.upgrade.started' },
  {
    name: 'a failing release, killed in the health gate (HTTP 500)',
    release: 'failing',
    at: 'host.health.checked',
    where: (event) => (event as EventOf<'host.health.checked'>).measurement.phase !== 'pass',
  },
  { name: 'a failing release, killed mid-rollback', release: 'failing', at: 'host.rollback.started' },
];

describe('kill -9 of the orchestrator at every step, then resume', () => {
  it.each(KILLS)(
    'given $name, when resumed with --yes, then every host ends on the right version and in rotation, the cap held, no request failed, and run is not refused afterwards',
    async ({ name, release, at, where, pause }) => {
      // Given
      const healthy = release === 'healthy';
      repo = await given.repo({
        playbook: {
          strategy: { ...HALVES, ...(pause ? { pause } : {}) },
          ...(healthy ? {} : { health: FAILING_HEALTH }),
        },
      });
      await commitVersion(repo, healthy ? '1.1' : BROKEN_VERSION);
      const expected = healthy ? '1.1' : INITIAL_VERSION;

      // When: killed the moment the journal says the step has begun, then resumed
      const watch = watchFleet(given.fleet);
      const run = start(['run', 'web', ...(pause ? [] : ['--yes'])]);
      const { event: killedAt } = await journaled(repo, at, {
        process: run,
        ...(where ? { where } : {}),
      });
      await killNine(run);
      const resume = await runLieutenantProcess(['resume', '--yes'], { repo });
      const watched = await watch.stop();
      logTraffic(name, watched.traffic);

      // Then: one journal, continued to its end
      const why = `${resume.output}\n${describeWatched(watched)}`;
      expect(resume.stderr, why).toContain(`resuming run ${killedAt.runId}`);
      expect(resume.code, why).toBe(healthy ? 0 : 1);
      const [journal, ...others] = await journals(repo);
      expect(others).toEqual([]);
      expect(journal?.runId).toBe(killedAt.runId);
      const events = journal?.events ?? [];
      expect(eventsOf(events, 'run.started').map((event) => event.resumes)).toEqual([undefined, killedAt.runId]);
      expect(eventsOf(events, 'run.finished').map((event) => [event.result, event.hostsOut])).toEqual([
        [healthy ? 'succeeded' : 'rolled-back', []],
      ]);

      // …every host on the commit's version (the old one for a failing release) and serving
      expect(await installedVersions(given.fleet, hosts)).toEqual(allOn(hosts, expected));
      expect(await rotation(given.fleet)).toEqual(allUp(hostNames(given.fleet)));
      // …never more than the cap out, counting every server HAProxy did not serve; no failed request
      expect(watched.rotation.errors, why).toEqual([]);
      expect(maxNotServing(watched.rotation).count, why).toBeLessThanOrEqual(CAP);
      expect(httpFailures(watched.traffic), why).toEqual({});
      expect(watched.traffic.failures, why).toEqual([]);
      expect(watched.traffic.ok, why).toBeGreaterThan(0);

      // When: the operator commits what the fleet runs now and runs it / Then: not refused, nothing to do
      if (!healthy) await commitVersion(repo, INITIAL_VERSION);
      const again = await runLieutenantProcess(['run', 'web', '--yes', '--json'], { repo });
      expect(again.code, again.output).toBe(0);
      expect(again.output).not.toContain('finish it first');
      expect(again.stdout).toContain('"result":"nothing-to-do"');
    },
  );
});

describe('revert --run over an interrupted run', () => {
  it('given a release killed mid-upgrade, when the release is reverted with --run and then resume is asked, then the revert brings every host back to 1.0 and in rotation, and the superseded run is never resumed', async () => {
    // Given: killed once a host is upgraded, before it is back in rotation
    repo = await given.repo({ hosts, playbook: { strategy: HALVES } });
    const releaseSha = await commitVersion(repo, '1.1');
    const run = start(['run', 'web', '--yes']);
    const { event: upgraded } = await journaled(repo, 'host.upgrade.finished', { process: run });
    await killNine(run);
    const interrupted = upgraded.runId;

    // When: revert --run
    const watch = watchFleet(given.fleet);
    const revert = await runLieutenantProcess(['revert', releaseSha, '--run', '--yes'], { repo });
    const watched = await watch.stop();
    logTraffic('revert --run over an interrupted run', watched.traffic);

    // Then: a new run superseded the interrupted one and brought everything back
    const why = `${revert.output}\n${describeWatched(watched)}`;
    expect(revert.code, why).toBe(0);
    expect(revert.stderr).toContain(`run ${interrupted} was interrupted`);
    expect(revert.stderr).toContain('supersedes it');
    expect(await installedVersions(given.fleet, hosts)).toEqual(allOn(hosts, INITIAL_VERSION));
    expect(await rotation(given.fleet)).toEqual(allUp(hostNames(given.fleet)));
    expect(maxNotServing(watched.rotation).count, why).toBeLessThanOrEqual(CAP);
    expect(watched.traffic.failures, why).toEqual([]);
    const superseded = (await journals(repo)).find((journal) => journal.runId === interrupted)?.events ?? [];
    expect(eventsOf(superseded, 'run.finished').map((event) => event.result)).toEqual(['aborted']);
    const journalLength = superseded.length;

    // When: resume is asked afterwards
    const before = { versions: await installedVersions(given.fleet, hosts), rotation: await rotation(given.fleet) };
    const resume = await runLieutenantProcess(['resume', '--yes'], { repo });

    // Then: nothing to resume; nothing changed on the fleet or in the superseded journal
    expect(resume.code, resume.output).toBe(2);
    expect(resume.stderr).toContain('nothing to resume');
    const named = await runLieutenantProcess(['resume', interrupted, '--yes'], { repo });
    expect(named.code, named.output).toBe(2);
    expect(named.stderr).toContain(`run ${interrupted} is not an interrupted run`);
    expect({ versions: await installedVersions(given.fleet, hosts), rotation: await rotation(given.fleet) }).toEqual(
      before,
    );
    const after = (await journals(repo)).find((journal) => journal.runId === interrupted)?.events ?? [];
    expect(after).toHaveLength(journalLength);
    expect(eventsOf(after, 'run.started')).toHaveLength(1);
  });
});
