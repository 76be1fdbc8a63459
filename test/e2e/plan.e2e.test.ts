/** `lieutenant plan` reads the real fleet and shows what `run` would do — and changes nothing. */
import { afterEach, describe, expect, it } from 'vitest';
import { INITIAL_VERSION } from '../fleet/fleet.js';
import type { Plan } from '../../src/plan/types.js';
import { allOn, installedVersions } from './support/fleet-state.js';
import { hostNames, useFreshFleet } from './support/given-fleet.js';
import { eventsOf, journals, runLieutenant } from './support/lieutenant.js';
import { spawnLieutenant, type LieutenantProcess } from './support/lieutenant-process.js';
import { journaled } from './support/journal-wait.js';
import { commitVersion } from './support/rollout-repo.js';
import { describeWatched, watchFleet } from './support/watch.js';

const given = useFreshFleet();

/** Exits 0 as soon as apt-get or dpkg runs in that host's own mount namespace (polling every 20 ms, for 2 minutes). */
const APT_AT_WORK =
  "for i in $(seq 6000); do pgrep --ns $$ --nslist mnt -x 'apt-get|dpkg' >/dev/null && exit 0; sleep 0.02; done; exit 1";

let killed: LieutenantProcess | undefined;
afterEach(async () => {
  await killed?.killHard();
  killed = undefined;
});

async function planJson(repo: { dir: string }): Promise<Plan> {
  const planned = await runLieutenant(['plan', 'web', '--json'], { repo });
  expect(planned.code, planned.output).toBe(0);
  return planned.json[0]?.plan as Plan;
}

describe('lieutenant plan against the fleet', () => {
  it('given 6 hosts on 1.0 and a commit releasing 1.1, when planned with --json, then it shows every host 1.0 → 1.1 in two batches of 3, and changes nothing', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    const repo = await given.repo({ playbook: { strategy: { batches: ['50%', '50%'], maxUnavailable: '50%' } } });
    const sha = await commitVersion(repo, '1.1');

    // When
    const watch = watchFleet(given.fleet);
    const planned = await runLieutenant(['plan', 'web', '--json'], { repo });
    const watched = await watch.stop();

    // Then
    expect(planned.code, planned.output).toBe(0);
    expect(planned.json.map((value) => value.type)).toEqual(['plan']);
    const plan = planned.json[0]?.plan as Plan;
    // The author is the commit's, for the environment's four-eyes rule (approvals.distinctFromAuthor).
    expect(plan.commit).toEqual({ sha, subject: 'Release demo 1.1', author: 'e2e@lieutenant.invalid' });
    expect(plan.groups.map((group) => [group.name, group.size, group.maxUnavailable])).toEqual([['web', 6, 3]]);
    expect(plan.groups[0]?.hosts.map((host) => [host.name, host.converged, host.changes])).toEqual(
      hosts.map((host) => [host, false, [{ name: 'demo', from: INITIAL_VERSION, to: '1.1', kind: 'upgrade' }]]),
    );
    expect(plan.batches.map((batch) => [batch.index, batch.hosts, batch.inFlight])).toEqual([
      [1, hosts.slice(0, 3), 3],
      [2, hosts.slice(3), 3],
    ]);

    // And nothing changed: no drain, no run, no package.
    expect(watched.rotation.maxOut, describeWatched(watched)).toBe(0);
    expect(watched.rotation.samples.length).toBeGreaterThan(0);
    expect(await journals(repo)).toEqual([]);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
  });

  it('given half the fleet already on the release, when planned, then those hosts are converged and only the rest are batched', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    const [first, second] = hosts;
    if (!first || !second) throw new Error('the fleet needs 2 hosts');
    for (const host of [first, second]) {
      const install = await given.fleet.ssh(host, 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q demo=1.1');
      expect(install.code, install.stderr).toBe(0);
    }
    const repo = await given.repo({ playbook: { strategy: { batches: [2] } } });
    await commitVersion(repo, '1.1');

    // When
    const planned = await runLieutenant(['plan', 'web', '--json'], { repo });

    // Then
    expect(planned.code, planned.output).toBe(0);
    const plan = planned.json[0]?.plan as Plan;
    expect(plan.groups[0]?.hosts.filter((host) => host.converged).map((host) => host.name)).toEqual([first, second]);
    expect(plan.batches.map((batch) => batch.hosts)).toEqual([hosts.slice(2, 4), hosts.slice(4, 6)]);
  });

  it('given a release, when planned and then run, killed mid-upgrade, planned again and run again, then each plan --json is exactly the plan its run started with, the interrupted run included', async () => {
    // Given: one host at a time, so the kill leaves web-01 alone out of rotation, in maint
    const repo = await given.repo({
      playbook: { strategy: { batches: ['50%', '50%'], concurrency: 1, maxUnavailable: '50%', pause: 'none' } },
    });
    await commitVersion(repo, '1.1');

    // When: planned, then run, and the run killed the moment apt works on web-01
    const fresh = await planJson(repo);
    const aptAtWork = given.fleet.ssh('web-01', APT_AT_WORK);
    const run = (killed = spawnLieutenant(['run', 'web', '--yes'], { repo }));
    const { event: started } = await journaled(repo, 'run.started', { process: run });
    expect((await aptAtWork).code).toBe(0);
    const exit = await run.killHard();
    expect(exit.signal, exit.output).toBe('SIGKILL');

    // Then: the fresh run executed what plan printed
    expect(started.plan).toEqual(fresh);

    // When: planned beside the interrupted run, then run again (which finishes it)
    const beside = await planJson(repo);
    const again = await runLieutenant(['run', 'web', '--yes', '--json'], { repo });

    // Then: the plan was the finishing run's, which brings web-01 back — not a fresh plan
    expect(again.code, again.output).toBe(0);
    const [restarted] = eventsOf(again.events, 'run.started');
    expect(restarted?.resumes).toBe(started.runId);
    expect(restarted?.plan).toEqual(beside);
    expect(beside.groups[0]?.hosts.find((host) => host.name === 'web-01')?.leftOut).toBe(true);
  });
});
