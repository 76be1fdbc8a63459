import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eFleetDir } from '../../../test/fleet/e2e-fleet.js';
import type { Fleet } from '../../../test/fleet/fleet.js';
import { fleetSshSettings } from '../../../test/e2e/support/ssh-settings.js';
import { INITIAL_VERSION, readFleet, resetFleet } from '../../../test/fleet/fleet.js';
import type { RemoteShell, RemoteShells } from '../../engine/index.js';
import { createRemoteShells } from '../ssh/remote-shells.js';
import { createPackageManagers } from './package-managers.js';
import { LOCKS, holdLock } from '../../../test/e2e/support/lock-holder.js';

// apt for real, over our own SSH adapter, on one host of the shared e2e fleet,
// reset first (files run in any order) and put back on demo 1.0 afterwards.
const apt = createPackageManagers().apt;
let fleet: Fleet;
let shells: RemoteShells;
let shell: RemoteShell;

const dpkgVersion = async () => (await fleet.ssh(shell.host, "dpkg-query -W -f='${Version}' demo")).stdout;

beforeAll(async () => {
  const found = await readFleet(e2eFleetDir());
  const host = found?.hosts[0];
  if (!found || !host) throw new Error(`no fleet running in ${e2eFleetDir()}`);
  fleet = await resetFleet(found);
  shells = createRemoteShells(fleetSshSettings(fleet, { commandTimeoutMs: 120_000 }), { sshConfigPath: '/dev/null' });
  const connected = await shells.connect({ ...host, group: 'web', lbServer: host.name });
  if (!connected.ok) throw new Error(connected.error.message);
  shell = connected.value;
});

afterAll(async () => {
  if (shell) await apt.install(shell, { demo: INITIAL_VERSION });
  await shells?.closeAll();
});

describe('apt over SSH', () => {
  it('Given a fresh host, When reading installed versions, Then demo is 1.0 and an unknown package is null', async () => {
    expect(await apt.installed(shell, ['demo', 'no-such-package-lt'])).toEqual({
      ok: true,
      value: { versions: { demo: '1.0', 'no-such-package-lt': null }, unsettled: {} },
    });
  });

  it('Given the repository, When checking demo=1.1 and demo=9.9, Then 1.1 is available and 9.9 is named as missing', async () => {
    expect(await apt.ensureAvailable(shell, { demo: '1.1' })).toEqual({ ok: true, value: undefined });
    expect(await apt.ensureAvailable(shell, { demo: '9.9' })).toEqual({
      ok: false,
      error: { message: `${shell.host}: not in the apt repositories: demo=9.9` },
    });
  });

  it('Given demo 1.0 and the repository, When surveyed for 1.1 and for 9.9, Then one command each reads 1.0 and names only 9.9 as missing', async () => {
    expect(await apt.survey?.(shell, { demo: '1.1', 'no-such-package-lt': '1.0' })).toEqual({
      ok: true,
      value: {
        installed: { versions: { demo: '1.0', 'no-such-package-lt': null }, unsettled: {} },
        missing: ['no-such-package-lt'],
      },
    });
    expect(await apt.survey?.(shell, { demo: '9.9' })).toEqual({
      ok: true,
      value: { installed: { versions: { demo: '1.0' }, unsettled: {} }, missing: ['demo'] },
    });
  });

  it('Given demo 1.0, When installing 1.1 and then 1.0 again, Then dpkg shows each version in turn', async () => {
    expect(await apt.install(shell, { demo: '1.1' })).toEqual({ ok: true, value: { demo: '1.1' } });
    expect(await dpkgVersion()).toBe('1.1');
    expect(await apt.installed(shell, ['demo'])).toEqual({
      ok: true,
      value: { versions: { demo: '1.1' }, unsettled: {} },
    });
    expect(await apt.install(shell, { demo: '1.0' })).toEqual({ ok: true, value: { demo: '1.0' } });
    expect(await dpkgVersion()).toBe('1.0');
  });

  it('Given a version apt cannot find, When installing, Then it fails with apt-get exit code and its own words', async () => {
    const result = await apt.install(shell, { demo: '9.9' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe(`${shell.host}: apt-get install demo=9.9 exited 100`);
    expect(result.error.detail).toContain("Version '9.9' for 'demo' was not found");
    expect(await dpkgVersion()).toBe('1.0');
  });
});

describe('apt with the dpkg lock held by another process', () => {
  it('Given an fcntl lock on /var/lib/dpkg/lock-frontend (as apt takes it), When installing, Then apt-get waits the bound, fails naming the holder, and dpkg is unchanged; once released, the install passes', async () => {
    const quick = createPackageManagers({ lockWait: { timeoutMs: 3_000, intervalMs: 500 } }).apt;
    const held = await holdLock(fleet, shell.host, LOCKS.dpkgFrontend);
    let result;
    try {
      result = await quick.install(shell, { demo: '1.1' });
    } finally {
      await held.release();
    }
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(
      new RegExp(
        `^${shell.host}: apt-get install demo=1\\.1: /var/lib/dpkg/lock-frontend is held by process \\d+ \\(python3\\); gave up after waiting 3 s for it$`,
      ),
    );
    expect(await dpkgVersion()).toBe('1.0');
    expect(await quick.install(shell, { demo: '1.1' })).toEqual({ ok: true, value: { demo: '1.1' } });
    expect(await quick.install(shell, { demo: '1.0' })).toEqual({ ok: true, value: { demo: '1.0' } });
  });
});
