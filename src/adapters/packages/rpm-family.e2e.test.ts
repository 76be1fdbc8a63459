/**
 * dnf, yum and zypper for real, over our own SSH adapter, on the RPM hosts of
 * the shared e2e fleet (test/fleet: a private rpm database per host, a local
 * RPM repository with demo 1.0-1, 1.1-1, 2.0-1, 2.0-3 and 1:2.0-3). yum is
 * what RHEL 8 and later call yum: dnf under another name (Debian packages no
 * yum of its own), so the yum adapter's commands — `yum install`, `yum
 * downgrade`, `yum clean expire-cache` — run against dnf on a fedora host.
 * Every host is reset to demo 1.0-1 first and put back afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eFleetDir } from '../../../test/fleet/e2e-fleet.js';
import type { Fleet } from '../../../test/fleet/fleet.js';
import { ADDON_PACKAGE, DEFAULT_SUDO_USER, readFleet, resetFleet } from '../../../test/fleet/fleet.js';
import { LOCKS, holdLock } from '../../../test/e2e/support/lock-holder.js';
import { fleetSshSettings } from '../../../test/e2e/support/ssh-settings.js';
import type { PackageManager, RemoteShell, RemoteShells } from '../../engine/index.js';
import type { PackageManagerKind } from '../../spec/schema.js';
import { createRemoteShells } from '../ssh/remote-shells.js';
import { createPackageManagers } from './package-managers.js';

/** A lock is waited for 3 s here (120 s in a real run), tried every 0.5 s. */
const LOCK_WAIT = { timeoutMs: 3_000, intervalMs: 500 };
const managers = createPackageManagers({ lockWait: LOCK_WAIT });

let fleet: Fleet;
const opened: RemoteShells[] = [];

async function shellOn(host: string, settings: { user?: string; become?: 'sudo' } = {}): Promise<RemoteShell> {
  const target = fleet.rpmHosts.find((candidate) => candidate.name === host);
  if (!target) throw new Error(`the fleet has no RPM host ${host}`);
  const shells = createRemoteShells(fleetSshSettings(fleet, { commandTimeoutMs: 120_000, ...settings }), {
    sshConfigPath: '/dev/null',
  });
  opened.push(shells);
  const connected = await shells.connect({ name: host, address: target.address, group: target.group, lbServer: host });
  if (!connected.ok) throw new Error(connected.error.message);
  return connected.value;
}

/** What rpm itself says is installed: "0:1.0-1", or "" when not installed. */
async function rpmEvr(host: string, name = 'demo'): Promise<string> {
  const answer = await fleet.ssh(host, `rpm -q --qf '%{EPOCHNUM}:%{VERSION}-%{RELEASE}' ${name} || true`);
  return answer.stdout.includes('not installed') ? '' : answer.stdout.trim();
}

beforeAll(async () => {
  const found = await readFleet(e2eFleetDir());
  if (!found) throw new Error(`no fleet running in ${e2eFleetDir()}`);
  fleet = await resetFleet(found);
});

afterAll(async () => {
  await Promise.all(opened.map((shells) => shells.closeAll()));
  if (fleet) await resetFleet(fleet);
});

/** Which host each adapter drives, and the lock a concurrent run of that tool would hold. */
const CASES: Array<{ kind: PackageManagerKind; host: string; lock: string; holder: RegExp }> = [
  {
    kind: 'dnf',
    host: 'fedora-01',
    lock: LOCKS.dnfRpmdb,
    holder: /dnf's RPMDB lock is held by process \d+ \(python3\)/,
  },
  {
    kind: 'yum',
    host: 'fedora-02',
    lock: LOCKS.dnfRpmdb,
    holder: /dnf's RPMDB lock is held by process \d+ \(python3\)/,
  },
  {
    kind: 'zypper',
    host: 'suse-01',
    lock: LOCKS.zypperShell,
    holder: /zypper's lock \(zypp\.pid\) is held by process \d+ \(zypper\)/,
  },
];

describe.each(CASES)('$kind on $host', ({ kind, host, lock, holder }) => {
  const manager: PackageManager = managers[kind];
  let shell: RemoteShell;

  beforeAll(async () => {
    if (!fleet.rpmHosts.some((candidate) => candidate.name === host))
      throw new Error(`the fleet has no ${host}: start it with npm run fleet -- up --dnf 2 --zypper 1`);
    shell = await shellOn(host);
  });

  it('Given a fresh host, When reading installed versions, Then demo is 1.0-1 and an unknown package is null', async () => {
    expect(await manager.installed(shell, ['demo', 'no-such-package-lt'])).toEqual({
      ok: true,
      value: { versions: { demo: '1.0-1', 'no-such-package-lt': null }, unsettled: {} },
    });
  });

  it('Given the repository, When checking demo 1.1, 1:2.0-3 and 9.9, Then the first two are there and 9.9 is named as missing after a refresh', async () => {
    expect(await manager.ensureAvailable(shell, { demo: '1.1' })).toEqual({ ok: true, value: undefined });
    expect(await manager.ensureAvailable(shell, { demo: '1:2.0-3' })).toEqual({ ok: true, value: undefined });
    expect(await manager.ensureAvailable(shell, { demo: '9.9', [ADDON_PACKAGE]: '1.0' })).toEqual({
      ok: false,
      error: { message: `${host}: not in the ${kind} repositories: demo=9.9` },
    });
    // A name no repository knows: dnf list exits 1 and zypper search 104 for it, which are answers, not failures
    expect(await manager.ensureAvailable(shell, { 'no-such-package-lt': '1.0' })).toEqual({
      ok: false,
      error: { message: `${host}: not in the ${kind} repositories: no-such-package-lt=1.0` },
    });
    expect(await rpmEvr(host)).toBe('0:1.0-1');
  });

  it('Given demo 1.0-1, When installing 1.1 and then 1.0 again, Then rpm shows each version in turn', async () => {
    expect(await manager.install(shell, { demo: '1.1' })).toEqual({ ok: true, value: { demo: '1.1-1' } });
    expect(await rpmEvr(host)).toBe('0:1.1-1');
    expect(await manager.install(shell, { demo: '1.0' })).toEqual({ ok: true, value: { demo: '1.0-1' } });
    expect(await rpmEvr(host)).toBe('0:1.0-1');
  });

  it('Given 2.0-1, 2.0-3 and 1:2.0-3 in the repository, When pinning 2.0, 1:2.0-3, 2.0-1 and 2.0-3, Then release and epoch pick exactly the build asked for, up and down', async () => {
    // "2.0" is epoch 0 in any release: the highest of those, 2.0-3, never the epoch-1 build
    expect(await manager.install(shell, { demo: '2.0' })).toEqual({ ok: true, value: { demo: '2.0-3' } });
    expect(await rpmEvr(host)).toBe('0:2.0-3');
    expect(await manager.install(shell, { demo: '1:2.0-3' })).toEqual({ ok: true, value: { demo: '1:2.0-3' } });
    expect(await rpmEvr(host)).toBe('1:2.0-3');
    // Down across the epoch: 1:2.0-3 outranks 2.0-1; then up by release alone
    expect(await manager.install(shell, { demo: '2.0-1' })).toEqual({ ok: true, value: { demo: '2.0-1' } });
    expect(await rpmEvr(host)).toBe('0:2.0-1');
    expect(await manager.install(shell, { demo: '2.0-3' })).toEqual({ ok: true, value: { demo: '2.0-3' } });
    expect(await rpmEvr(host)).toBe('0:2.0-3');
  });

  it('Given an add-on the host lacks, When a release installs it and a rollback sets it to null, Then rpm -e removes exactly it', async () => {
    expect(await manager.install(shell, { demo: '1.1', [ADDON_PACKAGE]: '1.0' })).toEqual({
      ok: true,
      value: { demo: '1.1-1', [ADDON_PACKAGE]: '1.0-1' },
    });
    expect(await rpmEvr(host, ADDON_PACKAGE)).toBe('0:1.0-1');
    expect(await manager.install(shell, { demo: '1.0', [ADDON_PACKAGE]: null })).toEqual({
      ok: true,
      value: { demo: '1.0-1', [ADDON_PACKAGE]: null },
    });
    expect(await rpmEvr(host, ADDON_PACKAGE)).toBe('');
    expect(await rpmEvr(host)).toBe('0:1.0-1');
  });

  it('Given a version the repository lacks, When installing, Then it fails with the tool exit code and its own words, and nothing changed', async () => {
    const result = await manager.install(shell, { demo: '9.9' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(
      kind === 'zypper'
        ? `${host}: zypper install demo=9.9 exited 104`
        : `${host}: ${kind} install demo-0:9.9 exited 1`,
    );
    expect(result.error.detail).toMatch(
      kind === 'zypper' ? /No provider of 'demo=9.9' found/ : /No match|Unable to find a match/,
    );
    expect(await rpmEvr(host)).toBe('0:1.0-1');
  });

  it(`Given ${kind}'s own lock held by another process, When installing, Then it waits the bound, fails naming the holder, and the host is unchanged; once released, the same install passes`, async () => {
    const held = await holdLock(fleet, host, lock);
    let result;
    const started = Date.now();
    try {
      result = await manager.install(shell, { demo: '1.1' });
    } finally {
      await held.release();
    }
    const waited = Date.now() - started;
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(new RegExp(`^${host}: ${kind} install .*: `));
    expect(result.error.message).toMatch(holder);
    expect(result.error.message).toMatch(/gave up after waiting \d+ s for it$/);
    expect(waited).toBeGreaterThanOrEqual(LOCK_WAIT.timeoutMs - LOCK_WAIT.intervalMs);
    expect(await rpmEvr(host)).toBe('0:1.0-1');
    expect(await manager.install(shell, { demo: '1.1' })).toEqual({ ok: true, value: { demo: '1.1-1' } });
    expect(await manager.install(shell, { demo: '1.0' })).toEqual({ ok: true, value: { demo: '1.0-1' } });
  });

  it("Given rpm's transaction lock held by another process, When a rollback removes the add-on with rpm -e, Then it waits the bound and fails naming the lock, and the add-on is still there", async () => {
    expect((await manager.install(shell, { [ADDON_PACKAGE]: '1.0' })).ok).toBe(true);
    const held = await holdLock(fleet, host, LOCKS.rpmTransaction);
    let result;
    try {
      result = await manager.install(shell, { [ADDON_PACKAGE]: null });
    } finally {
      await held.release();
    }
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe(
      `${host}: rpm -e ${ADDON_PACKAGE}: rpm's transaction lock /var/lib/rpm/.rpm.lock is held by another process; ` +
        `gave up after waiting ${Math.round(LOCK_WAIT.timeoutMs / 1000)} s for it`,
    );
    expect(await rpmEvr(host, ADDON_PACKAGE)).toBe('0:1.0-1');
    expect(await manager.install(shell, { [ADDON_PACKAGE]: null })).toEqual({
      ok: true,
      value: { [ADDON_PACKAGE]: null },
    });
  });

  it(`Given the deploy user with become: sudo, When installing 1.1 and back, Then ${kind} ran as root through sudo and rpm shows each version`, async () => {
    const asDeploy = await shellOn(host, { user: DEFAULT_SUDO_USER, become: 'sudo' });
    const premise = await fleet.ssh(host, 'id -un', { user: DEFAULT_SUDO_USER });
    expect(premise.stdout.trim()).toBe(DEFAULT_SUDO_USER);
    const mark = (await fleet.ssh(host, 'wc -l < /var/log/sudo.log 2>/dev/null || echo 0')).stdout.trim();

    expect(await manager.install(asDeploy, { demo: '1.1' })).toEqual({ ok: true, value: { demo: '1.1-1' } });
    expect(await rpmEvr(host)).toBe('0:1.1-1');
    expect(await manager.install(asDeploy, { demo: '1.0' })).toEqual({ ok: true, value: { demo: '1.0-1' } });
    expect(await rpmEvr(host)).toBe('0:1.0-1');

    const sudoLog = (await fleet.ssh(host, `tail -n +${Number(mark) + 1} /var/log/sudo.log`)).stdout;
    const tool = kind === 'yum' ? 'yum (install|downgrade)' : `${kind} .*install`;
    expect(sudoLog).toMatch(new RegExp(` : ${DEFAULT_SUDO_USER} : .*USER=root ; COMMAND=.*${tool} .*demo`));
  });
});
