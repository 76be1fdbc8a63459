/**
 * `ssh.become: sudo` for real: Lieutenant logs in as a non-root deploy user
 * (the fleet's `lieutenant-deploy`, passwordless sudo) and runs the package
 * manager's privileged commands through `sudo -n`. The hosts' own logs say
 * who logged in (sshd), what ran as root and for whom (sudo's log) and what
 * was installed (dpkg's log). Then the two ways it goes wrong: the same user
 * without `become: sudo` (apt refuses a non-root user), and a user that has
 * no sudo rule (`sudo -n` refuses at once instead of asking for a password).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SUDO_USER, INITIAL_VERSION, ensureUserWithoutSudo } from '../fleet/fleet.js';
import type { Plan } from '../../src/plan/types.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { eventsOf, hostsMentioned, lastJournal, runLieutenant } from './support/lieutenant.js';
import { commitVersion } from './support/rollout-repo.js';
import { commitSshLogin, linesMatching, markHostLogs } from './support/ssh-login.js';

const RELEASE = '1.1';
/** An account that logs in with the fleet's key like the deploy user, but that no sudoers file names. */
const USER_WITHOUT_SUDO = 'lieutenant-nosudo';

const given = useFreshFleet();

beforeAll(async () => {
  await ensureUserWithoutSudo(USER_WITHOUT_SUDO);
});

beforeEach(() => {
  if (given.fleet.sudoUser !== DEFAULT_SUDO_USER) {
    throw new Error(
      `the fleet in ${given.fleet.dir} has no deploy user: start it with npm run fleet -- up --sudo-user ${DEFAULT_SUDO_USER}`,
    );
  }
});

describe('become: sudo against the fleet', () => {
  it('given the inventory logging in as lieutenant-deploy with become: sudo, when planned and run, then every host is on the release, installed by apt-get run as root through sudo for that user, and nobody logged in as root', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    const premise = await given.fleet.ssh(hosts[0] ?? '', 'id -un; sudo -n id -un', { user: DEFAULT_SUDO_USER });
    expect([premise.code, premise.stdout], premise.stderr).toEqual([0, `${DEFAULT_SUDO_USER}\nroot\n`]);
    const repo = await given.repo();
    await commitSshLogin(repo, { user: DEFAULT_SUDO_USER, become: 'sudo' });
    await commitVersion(repo, RELEASE);
    const logs = await markHostLogs(given.fleet);

    // When
    const planned = await runLieutenant(['plan', 'web', '--json'], { repo });
    const run = await runLieutenant(['run', 'web', '--yes'], { repo });
    const seen = await logs.since();

    // Then the plan read the fleet as the deploy user, and the run succeeded
    expect(planned.code, planned.output).toBe(0);
    const plan = planned.json[0]?.plan as Plan;
    expect(plan.groups[0]?.hosts.map((host) => [host.name, host.changes])).toEqual(
      hosts.map((host) => [host, [{ name: 'demo', from: INITIAL_VERSION, to: RELEASE, kind: 'upgrade' }]]),
    );
    expect(run.code, run.output).toBe(0);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, RELEASE));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));

    for (const host of hosts) {
      const log = seen[host];
      if (!log) throw new Error(`no logs read for ${host}`);
      // sshd: Lieutenant's sessions were the deploy user's, and no session was root's
      expect(linesMatching(log.sshd, /Accepted publickey for /).length, `${host} sshd:\n${log.sshd}`).toBeGreaterThan(
        0,
      );
      expect(linesMatching(log.sshd, /Accepted publickey for (?!lieutenant-deploy )/), `${host} sshd`).toEqual([]);
      // sudo: the install ran as root, asked for by the deploy user, under the adapter's timeout
      const installs = linesMatching(log.sudo, /apt-get install/);
      expect(installs.length, `${host} sudo.log:\n${log.sudo}`).toBe(1);
      expect(installs[0]).toMatch(
        new RegExp(
          ` : ${DEFAULT_SUDO_USER} : .*USER=root ; COMMAND=\\S*timeout -k 5 \\d+ \\S*env DEBIAN_FRONTEND=noninteractive apt-get install .*demo=${RELEASE}\\b`,
        ),
      );
      // Reading needs no root: besides apt-get, only preflight's `sudo -n true` check ran through sudo — once for
      // `plan` (which asks what run's preflight asks) and once for `run`
      const sudoTrue = expect.stringMatching(
        new RegExp(` : ${DEFAULT_SUDO_USER} : .*USER=root ; COMMAND=\\S*timeout -k 5 \\d+ \\S*true$`),
      );
      expect(
        linesMatching(log.sudo, /COMMAND=/).filter((line) => !/apt-get /.test(line)),
        `${host} sudo.log`,
      ).toEqual([sudoTrue, sudoTrue]);
      // dpkg: the package really moved from 1.0 to 1.1 on this host
      expect(linesMatching(log.dpkg, /^\S+ \S+ upgrade demo:/), `${host} dpkg.log:\n${log.dpkg}`).toEqual([
        expect.stringMatching(new RegExp(` upgrade demo:\\S+ ${INITIAL_VERSION} ${RELEASE}$`)),
      ]);
      expect(log.dpkg).toMatch(new RegExp(` status installed demo:\\S+ ${RELEASE}$`, 'm'));
    }
  });

  it("given the deploy user with become: none, when run, then exit 1 with apt's permission error, the host rolled back to 1.0 and UP, the others untouched, and nothing ran as root", async () => {
    // Given one host per batch, so only the first is tried
    const [first, ...others] = hostNames(given.fleet);
    if (first === undefined) throw new Error('empty fleet');
    const repo = await given.repo({ playbook: { strategy: { batches: [1, '100%'], onFailure: 'rollback' } } });
    await commitSshLogin(repo, { user: DEFAULT_SUDO_USER, become: 'none' });
    await commitVersion(repo, RELEASE);
    const logs = await markHostLogs(given.fleet);

    // When
    const run = await runLieutenant(['run', 'web', '--yes'], { repo });
    const seen = await logs.since();

    // Then the run failed and said why: apt-get is not root
    expect(run.code, run.output).toBe(1);
    expect(run.output).toContain(first);
    expect(run.output).toMatch(/are you root\?/);
    const journal = await lastJournal(repo);
    expect(eventsOf(journal, 'host.failed').map((event) => [event.host, event.step])).toEqual([[first, 'upgrade']]);
    expect(eventsOf(journal, 'host.failed')[0]?.reason).toMatch(
      /apt-get install demo=1\.1 exited 100: .*Permission denied/s,
    );
    expect(eventsOf(journal, 'host.rollback.finished').map((event) => [event.host, event.ok])).toEqual([[first, true]]);
    expect(eventsOf(journal, 'run.finished').map((event) => [event.result, event.exitCode, event.hostsOut])).toEqual([
      ['rolled-back', 1, []],
    ]);
    expect(hostsMentioned(journal)).toEqual([first]);

    // And the fleet is as it was: nothing installed, nothing run as root, every host UP
    expect(await installedVersions(given.fleet)).toEqual(allOn([first, ...others], INITIAL_VERSION));
    expect(await rotation(given.fleet)).toEqual(allUp([first, ...others]));
    expect(seen[first]?.sshd).toMatch(new RegExp(`Accepted publickey for ${DEFAULT_SUDO_USER} `));
    expect(seen[first]?.sudo).toBe('');
    expect(linesMatching(seen[first]?.dpkg ?? '', / (install|upgrade|remove) /)).toEqual([]);
  });

  it('given a user without a sudo rule and become: sudo, when run, then preflight refuses at once (no password prompt, no hang): exit 2 naming the host and the missing password, before any host leaves rotation', async () => {
    // Given the user logs in, but sudo -n refuses it
    const [first, ...others] = hostNames(given.fleet);
    if (first === undefined) throw new Error('empty fleet');
    const premise = await given.fleet.ssh(first, 'id -un; sudo -n true', { user: USER_WITHOUT_SUDO });
    expect([premise.code, premise.stdout, premise.stderr.trim()]).toEqual([
      1,
      `${USER_WITHOUT_SUDO}\n`,
      'sudo: a password is required',
    ]);
    const repo = await given.repo({ playbook: { strategy: { batches: [1, '100%'], onFailure: 'rollback' } } });
    await commitSshLogin(repo, { user: USER_WITHOUT_SUDO, become: 'sudo' });
    await commitVersion(repo, RELEASE);
    const logs = await markHostLogs(given.fleet);

    // When
    const started = Date.now();
    const run = await runLieutenant(['run', 'web', '--yes'], { repo });
    const took = Date.now() - started;

    // Then it is refused fast — far inside the 10-minute command timeout a prompt would run into — before any drain
    expect(run.code, run.output).toBe(2);
    expect(took, run.output).toBeLessThan(60_000);
    expect(run.output).toContain(
      `${first}: become: sudo, but sudo -n refuses ${USER_WITHOUT_SUDO}: sudo: a password is required`,
    );
    const journal = await lastJournal(repo);
    expect(eventsOf(journal, 'preflight.finished').map((event) => event.ok)).toEqual([false]);
    expect(eventsOf(journal, 'run.finished').map((event) => [event.result, event.exitCode, event.hostsOut])).toEqual([
      ['invalid', 2, []],
    ]);
    expect(hostsMentioned(journal, ['host.drain.started', 'host.upgrade.started'])).toEqual([]);

    // And nothing changed: the session was that user's, dpkg installed nothing, every host on 1.0 and UP
    const seen = await logs.since();
    expect(seen[first]?.sshd).toMatch(new RegExp(`Accepted publickey for ${USER_WITHOUT_SUDO} `));
    expect(linesMatching(seen[first]?.dpkg ?? '', / (install|upgrade|remove) /)).toEqual([]);
    expect(await installedVersions(given.fleet)).toEqual(allOn([first, ...others], INITIAL_VERSION));
    expect(await rotation(given.fleet)).toEqual(allUp([first, ...others]));
  });
});
