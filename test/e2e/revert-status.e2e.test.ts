/**
 * docs/gitops.md: "A release is rolled back by reverting its commit", and
 * `status` shows every host's installed against its deployed versions, and drift. A release goes out, a
 * host is changed by hand behind Lieutenant's back (status must name exactly
 * that host), then `lieutenant revert --run --yes` makes the revert commit and
 * brings every host — the drifted one too — back to the previous version.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { INITIAL_VERSION } from '../fleet/fleet.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { runLieutenantProcess } from './support/lieutenant-process.js';
import { historyEntries, pick, statusHosts } from './support/reports.js';
import { commitVersion, type RolloutRepo } from './support/rollout-repo.js';
import { describeWatched, watchFleet } from './support/watch.js';

const given = useFreshFleet();
let hosts: string[];
let repo: RolloutRepo;

beforeEach(async () => {
  hosts = hostNames(given.fleet);
  repo = await given.repo({
    playbook: { strategy: { batches: ['50%', '50%'], concurrency: 3, maxUnavailable: '50%', pause: 'approve' } },
  });
});

const each = <T>(value: T): Record<string, T> => Object.fromEntries(hosts.map((host) => [host, value]));

describe('status and revert against the fleet', () => {
  it('given demo 1.1 released to every host and 2.0 installed by hand on one, when status is read and the release reverted with --run, then status names exactly the drifted host and every host goes back to 1.0', async () => {
    // Given: 1.1 released and run (pause: approve, answered by --yes)
    const release = await commitVersion(repo, '1.1');
    const run = await runLieutenantProcess(['run', 'web', '--yes'], { repo });
    expect(run.code, run.output).toBe(0);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));

    // Then: status shows the release deployed and nothing drifting
    let status = await statusHosts(repo);
    expect(Object.keys(status).sort()).toEqual(hosts);
    expect(pick(status, 'drift')).toEqual(each([]));
    expect(pick(status, 'outOfRotation')).toEqual(each(false));
    expect(pick(status, 'installed')).toEqual(each({ demo: '1.1' }));
    expect(pick(status, 'expected')).toEqual(each({ demo: '1.1' }));
    expect((await repo.git('rev-parse', 'refs/lieutenant/deployed/staging/web')).trim()).toBe(release);
    const clean = await runLieutenantProcess(['status'], { repo });
    expect(clean.code, `status exits 0: the fleet is what Git says\n${clean.output}`).toBe(0);

    // When: someone installs 2.0 by hand on one host
    const drifted = hosts[3] ?? 'web-04';
    const byHand = await given.fleet.ssh(
      drifted,
      'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades demo=2.0',
    );
    expect(byHand.code, byHand.stderr).toBe(0);

    // Then: status names exactly that host, with what it runs and what it should
    status = await statusHosts(repo);
    expect(pick(status, 'drift')).toEqual({ ...each([]), [drifted]: ['demo'] });
    expect(status[drifted]?.installed).toEqual({ demo: '2.0' });
    expect(status[drifted]?.expected).toEqual({ demo: '1.1' });
    expect(pick(status, 'outOfRotation')).toEqual(each(false));
    const text = await runLieutenantProcess(['status'], { repo });
    expect(text.code, 'status exits 6: every host serves, but one differs from Git').toBe(6);
    const driftLines = text.stdout.split('\n').filter((line) => line.includes('DRIFT'));
    expect(driftLines, text.stdout).toEqual([expect.stringMatching(new RegExp(`${drifted} +apt +demo 2\\.0 ≠ 1\\.1`))]);

    // When: the release is reverted and the revert run
    const watch = watchFleet(given.fleet);
    const revert = await runLieutenantProcess(['revert', '--run', '--yes'], { repo });
    const watched = await watch.stop();

    // Then: every host back on 1.0 — the drifted one too — through a safe run
    expect(revert.code, revert.output).toBe(0);
    expect(revert.stderr).toContain(`reverted ${release.slice(0, 7)} "Release demo 1.1"`);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    expect(watched.rotation.maxOut, describeWatched(watched)).toBeLessThanOrEqual(3);
    expect(watched.rotation.everOut, describeWatched(watched)).toEqual(hosts);
    expect(watched.traffic.failures, describeWatched(watched)).toEqual([]);

    // And Git says so: a revert commit naming the release, a note on it, the deployed ref on it
    const head = (await repo.git('rev-parse', 'HEAD')).trim();
    const message = await repo.git('log', '-1', '--format=%B');
    expect(message).toMatch(/^Revert "Release demo 1\.1"\n/);
    expect(message).toContain(`This reverts commit ${release}.`);
    expect((await repo.git('rev-parse', 'HEAD^')).trim()).toBe(release);
    const notes = JSON.parse(await repo.git('notes', '--ref', 'lieutenant', 'show', 'HEAD')) as Array<{
      result: string;
      commit: string;
      hostsChanged: string[];
    }>;
    expect(notes.map(({ result, commit }) => ({ result, commit }))).toEqual([{ result: 'succeeded', commit: head }]);
    expect([...(notes[0]?.hostsChanged ?? [])].sort()).toEqual(hosts);
    expect((await repo.git('rev-parse', 'refs/lieutenant/deployed/staging/web')).trim()).toBe(head);
    expect((await historyEntries(repo)).map((entry) => [entry.commit.sha, entry.result])).toEqual([
      [head, 'succeeded'],
      [release, 'succeeded'],
    ]);

    // And status shows no drift again, against the revert
    status = await statusHosts(repo);
    expect(pick(status, 'drift')).toEqual(each([]));
    expect(pick(status, 'expected')).toEqual(each({ demo: INITIAL_VERSION }));
    expect(pick(status, 'outOfRotation')).toEqual(each(false));
  });
});
