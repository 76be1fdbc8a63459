/**
 * One rollout across Debian and RPM hosts behind the same HAProxy backend:
 * group `web` on apt, `fedora` on dnf, `suse` on zypper (test/fleet README),
 * one playbook targeting all three. Each host is upgraded by its own package
 * manager — the hosts' own logs say which (dpkg.log, dnf.rpm.log,
 * zypp/history) — and `plan` and `status` name it. Then what goes wrong on
 * the RPM side: a broken release with a new package, rolled back (the
 * package removed with rpm -e), and a version the repository lacks, refused
 * before any drain; and a lock another zypper holds, waited for.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADDON_PACKAGE, BROKEN_VERSION, DEFAULT_SUDO_USER, INITIAL_VERSION, waitFor } from '../fleet/fleet.js';
import type { Fleet } from '../fleet/fleet.js';
import { hostPaths } from '../fleet/paths.js';
import type { Plan } from '../../src/plan/types.js';
import { allOn, installedVersions, rotation, rpmVersionsOf } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { eventsOf, hostsMentioned, lastJournal, runLieutenant, startLieutenant } from './support/lieutenant.js';
import { LOCKS, holdLock } from './support/lock-holder.js';
import { pick, statusHosts } from './support/reports.js';
import { commitPackages, commitVersion } from './support/rollout-repo.js';
import { commitSshLogin, linesMatching } from './support/ssh-login.js';

const given = useFreshFleet();
const GROUPS = ['web', 'fedora', 'suse'];
const RPM_INITIAL = `${INITIAL_VERSION}-1`;
const FAILING_HEALTH = { interval: '200ms', timeout: '4s', successThreshold: 2 };

const rpmHosts = (fleet: Fleet, group?: string) =>
  fleet.rpmHosts.filter((host) => group === undefined || host.group === group).map((host) => host.name);
const everyHost = (fleet: Fleet) => [...hostNames(fleet), ...rpmHosts(fleet)];

/** What a host's own package log gained since `marks` (dpkg.log, dnf.rpm.log or zypp/history, by its manager). */
function packageLogPath(fleet: Fleet, host: string): string {
  const manager = [...fleet.hosts, ...fleet.rpmHosts].find((candidate) => candidate.name === host)?.packageManager;
  const log = { apt: 'dpkg.log', dnf: 'dnf.rpm.log', zypper: 'zypp/history' }[manager ?? 'apt'];
  return join(hostPaths(fleet.dir, host).root, 'var', 'log', log);
}

async function markPackageLogs(fleet: Fleet, hosts: readonly string[]) {
  const read = (host: string) => readFile(packageLogPath(fleet, host)).catch(() => Buffer.alloc(0));
  const marks = new Map(await Promise.all(hosts.map(async (host) => [host, (await read(host)).length] as const)));
  return async () =>
    Object.fromEntries(
      await Promise.all(
        hosts.map(async (host) => [host, (await read(host)).subarray(marks.get(host) ?? 0).toString('utf8')] as const),
      ),
    );
}

describe('one rollout across apt, dnf and zypper hosts', () => {
  it('given web (apt), fedora (dnf) and suse (zypper) in one playbook, deployed as a sudo user, when demo 1.1 is planned, run and checked, then each host went up with its own package manager, plan and status name it, and nothing drifts', async () => {
    // Given
    const fleet = given.fleet;
    const debian = hostNames(fleet);
    const fedora = rpmHosts(fleet, 'fedora');
    const suse = rpmHosts(fleet, 'suse');
    expect(fedora.length * suse.length, 'the e2e fleet has dnf and zypper hosts').toBeGreaterThan(0);
    const repo = await given.repo({ groups: GROUPS });
    await commitSshLogin(repo, { user: DEFAULT_SUDO_USER, become: 'sudo' });
    await commitVersion(repo, '1.1');
    const logs = await markPackageLogs(fleet, everyHost(fleet));

    // When
    const planned = await runLieutenant(['plan', 'web', '--json'], { repo });
    const planText = await runLieutenant(['plan', 'web'], { repo });
    const run = await runLieutenant(['run', 'web', '--yes'], { repo });
    const seen = await logs();

    // Then the plan knew each group's package manager and read each host's version its own way
    expect(planned.code, planned.output).toBe(0);
    const plan = planned.json[0]?.plan as Plan;
    expect(plan.groups.map((group) => [group.name, group.packageManager])).toEqual([
      ['web', 'apt'],
      ['fedora', 'dnf'],
      ['suse', 'zypper'],
    ]);
    expect(plan.groups.flatMap((group) => group.hosts.map((host) => [host.name, host.changes]))).toEqual([
      ...debian.map((host) => [host, [{ name: 'demo', from: INITIAL_VERSION, to: '1.1', kind: 'upgrade' }]]),
      ...[...fedora, ...suse].map((host) => [host, [{ name: 'demo', from: RPM_INITIAL, to: '1.1', kind: 'upgrade' }]]),
    ]);
    expect(planText.output).toMatch(/^group web \(apt, /m);
    expect(planText.output).toMatch(/^group fedora \(dnf, /m);
    expect(planText.output).toMatch(/^group suse \(zypper, /m);

    // And the run brought every host to 1.1, in rotation
    expect(run.code, run.output).toBe(0);
    expect(await installedVersions(fleet)).toEqual(allOn(debian, '1.1'));
    expect(await rpmVersionsOf(fleet, 'demo')).toEqual(allOn([...fedora, ...suse], '1.1-1'));
    expect(await rotation(fleet, everyHost(fleet))).toEqual(allUp(everyHost(fleet)));

    // And each host's own package log shows its own manager did it
    for (const host of debian)
      expect(linesMatching(seen[host] ?? '', / upgrade demo:/), host).toEqual([
        expect.stringMatching(new RegExp(` upgrade demo:\\S+ ${INITIAL_VERSION} 1\\.1$`)),
      ]);
    for (const host of fedora) expect(seen[host], host).toMatch(/Upgrade: demo-1\.1-1\.noarch/);
    for (const host of suse) expect(seen[host], host).toMatch(/\|install\|demo\|1\.1-1\|noarch\|/);

    // And status names each host's manager and reads RPM versions against the pin as the planner does: no drift
    const status = await statusHosts(repo);
    expect(pick(status, 'packageManager')).toEqual({
      ...allOn(debian, 'apt'),
      ...allOn(fedora, 'dnf'),
      ...allOn(suse, 'zypper'),
    });
    expect(pick(status, 'drift')).toEqual(Object.fromEntries(everyHost(fleet).map((host) => [host, [] as string[]])));
    const statusText = await runLieutenant(['status'], { repo });
    expect(statusText.code, statusText.output).toBe(0);
    expect(statusText.output).toMatch(new RegExp(`^  ${fedora[0]}\\s+dnf\\s+demo 1\\.1-1 `, 'm'));
    expect(statusText.output).toMatch(new RegExp(`^  ${suse[0]}\\s+zypper\\s+demo 1\\.1-1 `, 'm'));
    expect(statusText.output).not.toMatch(/DRIFT/);
  });

  it.each([
    { group: 'fedora', manager: 'dnf' },
    { group: 'suse', manager: 'zypper' },
  ])(
    'given the broken $group release bringing a new package, with onFailure rollback, when run, then exit 1, $manager put demo back on 1.0-1 and rpm -e took the new package away, every host UP',
    async ({ group }) => {
      // Given one host per batch, so only the first is tried
      const fleet = given.fleet;
      const [first, ...others] = rpmHosts(fleet, group);
      if (first === undefined) throw new Error(`no ${group} hosts`);
      const repo = await given.repo({
        groups: GROUPS,
        playbook: { strategy: { batches: [1, '100%'], onFailure: 'rollback' }, health: FAILING_HEALTH },
      });
      await commitPackages(repo, { demo: BROKEN_VERSION, [ADDON_PACKAGE]: '1.0' }, undefined, [group]);

      // When
      const run = await runLieutenant(['run', 'web', '--yes'], { repo });

      // Then
      expect(run.code, run.output).toBe(1);
      const journal = await lastJournal(repo);
      expect(eventsOf(journal, 'host.failed').map((event) => [event.host, event.step])).toEqual([[first, 'health']]);
      expect(eventsOf(journal, 'host.rollback.finished').map((event) => [event.host, event.ok])).toEqual([
        [first, true],
      ]);
      expect(hostsMentioned(journal)).toEqual([first]);
      expect(await rpmVersionsOf(fleet, 'demo')).toEqual(allOn(rpmHosts(fleet), RPM_INITIAL));
      expect(await rpmVersionsOf(fleet, ADDON_PACKAGE)).toEqual(allOn(rpmHosts(fleet), ''));
      expect(await installedVersions(fleet)).toEqual(allOn(hostNames(fleet), INITIAL_VERSION));
      expect(await rotation(fleet, everyHost(fleet))).toEqual(allUp(everyHost(fleet)));
      expect(others.every((host) => !hostsMentioned(journal).includes(host))).toBe(true);
    },
  );

  it("given zypper's lock held by another process on suse-01 when the run reaches it, when the holder lets go a few tries later, then the host waited for it (zypper refused it meanwhile) and the run succeeds", async () => {
    // Given only the suse group changes, and a running zypper holds the lock
    const fleet = given.fleet;
    const [host] = rpmHosts(fleet, 'suse');
    if (host === undefined) throw new Error('no suse hosts');
    const repo = await given.repo({ groups: GROUPS });
    await commitPackages(repo, { demo: '1.1' }, undefined, ['suse']);
    const zypperLog = join(hostPaths(fleet.dir, host).root, 'var', 'log', 'zypper.log');
    const mark = (await readFile(zypperLog).catch(() => Buffer.alloc(0))).length;
    const refusals = async () =>
      linesMatching(
        (await readFile(zypperLog)).subarray(mark).toString('utf8'),
        /CAUGHT: +System management is locked by the application with pid \d+ \(zypper\)/,
      ).length;
    const held = await holdLock(fleet, host, LOCKS.zypperShell);

    // When the run starts, and the holder lets go once zypper has refused Lieutenant twice
    let run;
    try {
      const started = startLieutenant(['run', 'web', '--yes'], { repo });
      await waitFor(async () => (await refusals()) >= 2, {
        what: `two lock refusals in ${zypperLog}`,
        timeoutMs: 60_000,
      });
      await held.release();
      run = await started.result;
    } finally {
      await held.release();
    }

    // Then
    expect(run.code, run.output).toBe(0);
    expect(await rpmVersionsOf(fleet, 'demo', [host])).toEqual({ [host]: '1.1-1' });
    expect(await rotation(fleet, everyHost(fleet))).toEqual(allUp(everyHost(fleet)));
  });

  it('given demo 9.9 for the fedora group (not in its repository) and 1.1 for web, when run, then exit 2 naming each fedora host and the missing pin, before any host leaves rotation, nothing changed', async () => {
    // Given
    const fleet = given.fleet;
    const fedora = rpmHosts(fleet, 'fedora');
    const repo = await given.repo({ groups: GROUPS });
    await commitPackages(repo, { demo: '1.1' }, undefined, ['web']);
    await commitPackages(repo, { demo: '9.9' }, undefined, ['fedora']);

    // When
    const run = await runLieutenant(['run', 'web', '--yes'], { repo });

    // Then
    expect(run.code, run.output).toBe(2);
    for (const host of fedora) expect(run.output).toContain(`${host}: not in the dnf repositories: demo=9.9`);
    const journal = await lastJournal(repo);
    expect(hostsMentioned(journal, ['host.drain.started', 'host.upgrade.started'])).toEqual([]);
    expect(await installedVersions(fleet)).toEqual(allOn(hostNames(fleet), INITIAL_VERSION));
    expect(await rpmVersionsOf(fleet, 'demo')).toEqual(allOn(rpmHosts(fleet), RPM_INITIAL));
    expect(await rotation(fleet, everyHost(fleet))).toEqual(allUp(everyHost(fleet)));
  });
});
