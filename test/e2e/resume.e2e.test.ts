/**
 * docs/safety.md: "an interrupted run can always be resumed, and `status`
 * shows any host it left out of rotation", and `resume` brings it back. The run is a real
 * `node bin/lieutenant.js` process, killed with SIGKILL (its whole process
 * group) at the moment its write-ahead journal says a step has begun: mid-drain,
 * mid-upgrade, at a pause gate. Then `status`, then `lieutenant resume --yes`
 * in a fresh process, with a rotation sampler and live traffic watching.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/records/journal/index.js';
import { journalPath } from '../../src/records/index.js';
import { INITIAL_VERSION } from '../fleet/fleet.js';
import { waitFor } from '../fleet/wait.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { journaled } from './support/journal-wait.js';
import { eventsOf, journals } from './support/lieutenant.js';
import {
  runLieutenantProcess,
  spawnLieutenant,
  type LieutenantProcess,
  type ProcessExit,
} from './support/lieutenant-process.js';
import { historyEntries, pick, statusHosts } from './support/reports.js';
import { holdSession, type HeldSession } from './support/slow-session.js';
import { commitVersion, type PlaybookOverrides, type RolloutRepo } from './support/rollout-repo.js';
import { describeWatched, watchFleet } from './support/watch.js';

const given = useFreshFleet();
let hosts: string[];
let repo: RolloutRepo;
const started: LieutenantProcess[] = [];
let held: HeldSession | undefined;

beforeEach(() => {
  hosts = hostNames(given.fleet);
});

afterEach(async () => {
  // A failed test must not leave a run behind, holding the lock or the fleet.
  await Promise.all(started.splice(0).map((run) => run.killHard()));
  await held?.release();
  held = undefined;
});

/** Halves, one host at a time: every kill point is reached by web-01 alone, with nothing else in flight. */
const ONE_AT_A_TIME: PlaybookOverrides = {
  strategy: { batches: ['50%', '50%'], concurrency: 1, maxUnavailable: '50%', pause: 'none' },
};
/** Halves, each worked on at once: faster, and a kill leaves several hosts mid-step. */
const THREE_AT_A_TIME: PlaybookOverrides = {
  strategy: { batches: ['50%', '50%'], concurrency: 3, maxUnavailable: '50%', pause: 'none' },
};

async function givenRelease(overrides: PlaybookOverrides): Promise<string> {
  repo = await given.repo({ playbook: overrides });
  return commitVersion(repo, '1.1');
}

function startRun(args: readonly string[]): LieutenantProcess {
  const run = spawnLieutenant(['run', 'web', ...args], { repo });
  started.push(run);
  return run;
}

/** kill -9 the run's process group; it must really die of the signal, not have finished on its own. */
async function killNine(run: LieutenantProcess): Promise<ProcessExit> {
  const exit = await run.killHard();
  expect(exit.signal, exit.output).toBe('SIGKILL');
  return exit;
}

/**
 * Run on a host: exits 0 as soon as apt-get or dpkg runs in that host's own mount namespace (the fleet's
 * hosts share the pid namespace), polling every 20 ms for up to 2 minutes — one SSH session, so no
 * connection setup between looks.
 */
const APT_AT_WORK =
  "for i in $(seq 6000); do pgrep --ns $$ --nslist mnt -x 'apt-get|dpkg' >/dev/null && exit 0; sleep 0.02; done; exit 1";

async function journalOf(runId: string) {
  return (await readJournal(journalPath(repo.dir, runId))).events;
}

/** `resume --yes` in a new process, watched; then every promise of a finished run, on the fleet and in the record. */
async function resumeAndExpectFinished(runId: string): Promise<void> {
  const watch = watchFleet(given.fleet);
  const resume = await runLieutenantProcess(['resume', '--yes'], { repo });
  const watched = await watch.stop();

  expect(resume.code, resume.output).toBe(0);
  expect(resume.stderr).toContain(`resuming run ${runId}`);
  expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
  expect(await rotation(given.fleet)).toEqual(allUp(hosts));
  expect(watched.rotation.errors, describeWatched(watched)).toEqual([]);
  expect(watched.rotation.maxOut, describeWatched(watched)).toBeLessThanOrEqual(3);
  expect(watched.traffic.failures, describeWatched(watched)).toEqual([]);
  expect(watched.traffic.ok, describeWatched(watched)).toBeGreaterThan(0);

  // One journal, continued: two starts (the second names the first), one end.
  expect((await journals(repo)).map((journal) => journal.runId)).toEqual([runId]);
  const events = await journalOf(runId);
  const starts = eventsOf(events, 'run.started');
  expect(starts.map((start) => start.resumes)).toEqual([undefined, runId]);
  expect(eventsOf(events, 'run.finished').map((finished) => finished.result)).toEqual(['succeeded']);
  expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));

  const history = (await historyEntries(repo)).filter((entry) => entry.runId === runId);
  expect(history.map((entry) => entry.result)).toEqual(['succeeded']);
  expect(pick(await statusHosts(repo), 'outOfRotation')).toEqual(
    Object.fromEntries(hosts.map((host) => [host, false])),
  );
}

describe('lieutenant resume after kill -9', () => {
  it('given a run killed while draining web-01 (a slow request holds it), when status is read and the run resumed, then status shows web-01 out of rotation and resume finishes the rollout', async () => {
    // Given: a slow request on web-01, so its drain waits for the session to end
    await givenRelease({ ...ONE_AT_A_TIME, drain: { timeout: '30s' } });
    const slow = (held = await holdSession(given.fleet, 'web-01'));
    const run = startRun(['--yes']);
    const { event: drain } = await journaled(repo, 'host.drain.started', { process: run });
    // The event is journaled before the step runs: wait until HAProxy really drains web-01.
    await waitFor(async () => (await rotation(given.fleet))['web-01'] === 'DRAIN', {
      what: 'web-01 draining in HAProxy',
      timeoutMs: 5_000,
      intervalMs: 20,
    });

    // When: killed mid-drain
    await killNine(run);

    // Then: the journal stops inside web-01's drain…
    const atKill = await journalOf(drain.runId);
    expect(drain.host).toBe('web-01');
    expect(eventsOf(atKill, 'host.drain.finished')).toEqual([]);
    expect(eventsOf(atKill, 'host.upgrade.started')).toEqual([]);
    // …and status shows web-01 out of rotation (draining), on its old version, and nobody else
    const status = await statusHosts(repo);
    expect(pick(status, 'outOfRotation')).toEqual({
      ...Object.fromEntries(hosts.map((host) => [host, false])),
      'web-01': true,
    });
    expect(status['web-01']?.rotation.edge?.adminState).toBe('drain');
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));

    // When: the session ends (cut by hand) and the run is resumed / Then
    await slow.release();
    await resumeAndExpectFinished(drain.runId);
  });

  it('given a run killed while apt upgrades web-01, when status is read and the run resumed, then status shows web-01 out of rotation and resume finishes the rollout', async () => {
    // Given: a watcher on web-01 itself, polling every 20 ms for apt at work, started before the run
    await givenRelease(ONE_AT_A_TIME);
    const aptAtWork = given.fleet.ssh('web-01', APT_AT_WORK);
    const run = startRun(['--yes']);

    // When: killed the moment apt-get (or the dpkg it drives) runs on web-01
    const seen = await Promise.race([
      aptAtWork,
      run.exited.then((exit) => ({ code: -1, stdout: '', stderr: `the run ended first: ${exit.output}` })),
    ]);
    expect(seen.code, seen.stderr).toBe(0);
    await killNine(run);

    // Then: the journal stops inside web-01's upgrade…
    const [journal] = await journals(repo);
    const atKill = journal?.events ?? [];
    expect(eventsOf(atKill, 'host.upgrade.started').map((event) => event.host)).toEqual(['web-01']);
    expect(eventsOf(atKill, 'host.upgrade.finished')).toEqual([]);
    // …and status shows web-01, and only web-01, out of rotation, in maint
    const status = await statusHosts(repo);
    expect(pick(status, 'outOfRotation')).toEqual({
      ...Object.fromEntries(hosts.map((host) => [host, false])),
      'web-01': true,
    });
    expect(status['web-01']?.rotation.edge?.adminState).toBe('maint');
    expect(await installedVersions(given.fleet, hosts.slice(1))).toEqual(allOn(hosts.slice(1), INITIAL_VERSION));

    // When / Then
    await resumeAndExpectFinished(journal?.runId ?? 'no journal');
  });

  it('given a run killed while it waits at its approve gate, when status is read and the run resumed with --yes, then no host is out of rotation and resume rolls out the second half', async () => {
    // Given
    await givenRelease({
      strategy: { batches: ['50%', '50%'], concurrency: 3, maxUnavailable: '50%', pause: 'approve' },
    });
    const run = startRun([]);
    const { event: gate } = await journaled(repo, 'gate.waiting', { process: run });

    // When: killed at the gate
    await killNine(run);

    // Then: the first half is done and in rotation, the second untouched
    expect(gate.afterBatch).toBe(1);
    const status = await statusHosts(repo);
    expect(pick(status, 'outOfRotation')).toEqual(Object.fromEntries(hosts.map((host) => [host, false])));
    expect(pick(status, 'drift')).toEqual({
      ...Object.fromEntries(hosts.slice(0, 3).map((host) => [host, []])),
      ...Object.fromEntries(hosts.slice(3).map((host) => [host, ['demo']])),
    });
    expect(await installedVersions(given.fleet)).toEqual({
      ...allOn(hosts.slice(0, 3), '1.1'),
      ...allOn(hosts.slice(3), INITIAL_VERSION),
    });
    expect((await historyEntries(repo)).map((entry) => [entry.runId, entry.result])).toEqual([
      [gate.runId, 'interrupted'],
    ]);

    // When / Then
    await resumeAndExpectFinished(gate.runId);
    const resumed = (await journalOf(gate.runId)).slice(eventsOf(await journalOf(gate.runId), 'run.started')[1]?.seq);
    expect(
      eventsOf(resumed, 'host.upgrade.started')
        .map((event) => event.host)
        .sort(),
    ).toEqual(hosts.slice(3));
  });

  it('given a run killed mid-rollout, when `run` of the same commit is started again, then it says it finishes the interrupted run and does', async () => {
    // Given: killed once a host is upgraded, before it is back in rotation
    await givenRelease(THREE_AT_A_TIME);
    const run = startRun(['--yes']);
    const { event: upgraded } = await journaled(repo, 'host.upgrade.finished', { process: run });
    await killNine(run);
    expect(pick(await statusHosts(repo), 'outOfRotation')[upgraded.host]).toBe(true);

    // When: a plain run of the same playbook (and the same commit)
    const again = startRun(['--yes']);
    const done = await again.exited;

    // Then: it continued the interrupted run instead of starting another
    expect(done.code, done.output).toBe(0);
    expect(done.stderr).toContain(`run ${upgraded.runId} of this commit was interrupted`);
    expect(done.stderr).toContain('finishing it');
    expect((await journals(repo)).map((journal) => journal.runId)).toEqual([upgraded.runId]);
    const events = await journalOf(upgraded.runId);
    expect(eventsOf(events, 'run.started').map((start) => start.resumes)).toEqual([undefined, upgraded.runId]);
    expect(eventsOf(events, 'run.finished').map((finished) => finished.result)).toEqual(['succeeded']);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
  });

  it('given a run killed mid-rollout and a newer commit, when `run` is started, then it exits 2 telling to resume first and changes nothing; resume then finishes the interrupted commit', async () => {
    // Given
    await givenRelease(THREE_AT_A_TIME);
    const run = startRun(['--yes']);
    const { event: upgraded } = await journaled(repo, 'host.upgrade.finished', { process: run });
    await killNine(run);
    await commitVersion(repo, '2.0');
    const before = { versions: await installedVersions(given.fleet), rotation: await rotation(given.fleet) };

    // When
    const refused = await startRun(['--yes']).exited;

    // Then
    expect(refused.code, refused.output).toBe(2);
    expect(refused.stderr).toContain(`run ${upgraded.runId}`);
    expect(refused.stderr).toContain(`finish it first: lieutenant resume ${upgraded.runId}`);
    expect({ versions: await installedVersions(given.fleet), rotation: await rotation(given.fleet) }).toEqual(before);
    expect((await journals(repo)).map((journal) => journal.runId)).toEqual([upgraded.runId]);

    // And resume applies the commit the run was applying (1.1), not HEAD (2.0)
    await resumeAndExpectFinished(upgraded.runId);
  });
});
