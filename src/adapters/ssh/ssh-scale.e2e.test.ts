/**
 * Connections at scale against a real sshd: the handshake cap as sshd itself
 * sees it, and one connection to a jump host for every host behind it.
 *
 * The sshd here is this file's own (on the fleet's prefix, .254:2222, LogLevel
 * VERBOSE so it logs each connection as it arrives and each login), using the
 * fleet's keys; the fleet hosts are only reached through it, never changed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eFleetDir } from '../../../test/fleet/e2e-fleet.js';
import type { Fleet } from '../../../test/fleet/fleet.js';
import { readFleet, waitFor } from '../../../test/fleet/fleet.js';
import { fleetPaths, hostPaths } from '../../../test/fleet/paths.js';
import { fleetSshSettings } from '../../../test/e2e/support/ssh-settings.js';
import type { HostTarget, SshSettings } from '../../spec/model.js';
import { createRemoteShells } from './remote-shells.js';

const PORT = 2222;
let fleet: Fleet;
let tmp: string;
let sshd: ChildProcess | undefined;
let address: string;
let knownHosts: string;
let log: string;

const opened: Array<ReturnType<typeof createRemoteShells>> = [];
function shellsWith(overrides: Partial<SshSettings>, sshConfigPath = '/dev/null') {
  const shells = createRemoteShells(fleetSshSettings(fleet, { knownHosts, ...overrides }), { sshConfigPath });
  opened.push(shells);
  return shells;
}

const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/** What sshd logged since `from`: each connection as it arrived, each login, in the order they happened. */
async function sshdLog(from: number): Promise<{ lines: string[]; end: number }> {
  const text = await readFile(log, 'utf8');
  return { lines: text.slice(from).split('\n'), end: text.length };
}

const arrivals = (lines: string[]) => lines.filter((line) => /Connection from .* port \d+ on /.test(line)).length;
const logins = (lines: string[]) => lines.filter((line) => /Accepted publickey for root/.test(line)).length;

/** The most connections sshd had between arrival and login (or hang-up), read off its log in order. */
function mostInHandshake(lines: string[]): number {
  const open = new Set<string>();
  let most = 0;
  for (const line of lines) {
    const arrived = /Connection from \S+ port (\d+) on /.exec(line);
    const done = /(?:Accepted publickey for \S+ from|Connection closed by|Disconnected from) \S+ port (\d+)/.exec(line);
    if (arrived?.[1]) open.add(arrived[1]);
    else if (done?.[1]) open.delete(done[1]);
    most = Math.max(most, open.size);
  }
  return most;
}

beforeAll(async () => {
  const found = await readFleet(e2eFleetDir());
  if (!found) throw new Error(`no fleet running in ${e2eFleetDir()}`);
  fleet = found;
  const first = fleet.hosts[0];
  if (!first) throw new Error('the e2e fleet needs a host');
  address = `${fleet.prefix}.254`; // .250 is HAProxy, .251 Prometheus, .252–.253 the analysis hook listeners
  tmp = await mkdtemp(join(tmpdir(), 'lt-ssh-scale-'));
  log = join(tmp, 'sshd.log');
  const hostKey = hostPaths(fleet.dir, first.name).hostKey;
  const config = join(tmp, 'sshd_config');
  await writeFile(
    config,
    [
      `ListenAddress ${address}:${PORT}`,
      `HostKey "${hostKey}"`,
      `PidFile "${join(tmp, 'sshd.pid')}"`,
      `AuthorizedKeysFile "${fleetPaths(fleet.dir).authorizedKeys}"`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      'LogLevel VERBOSE',
      'MaxStartups 200',
      '',
    ].join('\n'),
  );
  // The same host key as web-01, pinned for this address and port.
  const fleetKnown = await readFile(fleet.knownHostsPath, 'utf8');
  const key = fleetKnown
    .split('\n')
    .find((line) => line.startsWith(`${first.address} `))
    ?.slice(first.address.length + 1);
  if (key === undefined) throw new Error(`no key for ${first.address} in ${fleet.knownHostsPath}`);
  knownHosts = join(tmp, 'known_hosts');
  await writeFile(knownHosts, `${fleetKnown.trimEnd()}\n[${address}]:${PORT} ${key}\n`);
  sshd = spawn('/usr/sbin/sshd', ['-D', '-f', config, '-E', log], { stdio: 'ignore' });
  await waitFor(() => reachable(address, PORT), { what: `test sshd on ${address}:${PORT}`, timeoutMs: 15_000 });
});

afterAll(async () => {
  await Promise.all(opened.map((shells) => shells.closeAll()));
  if (sshd?.pid !== undefined) {
    const gone = new Promise((resolve) => sshd?.once('exit', resolve));
    sshd.kill('SIGTERM');
    await gone;
  }
  await rm(tmp, { recursive: true, force: true });
});

describe('connections at scale', () => {
  const hosts = (count: number): HostTarget[] =>
    Array.from({ length: count }, (_, i) => {
      const name = `alias-${String(i + 1).padStart(2, '0')}`;
      return { name, address, group: 'web', lbServer: name };
    });

  it('Given 12 hosts on one sshd and maxHandshakes 3, When all connect at once, Then sshd never has more than 3 in handshake, and all log in', async () => {
    // Given
    const { end } = await sshdLog(0);
    const shells = shellsWith({ port: PORT, maxHandshakes: 3 });
    // When
    const results = await Promise.all(hosts(12).map((host) => shells.connect(host)));
    // Then
    expect(results.filter((result) => !result.ok)).toEqual([]);
    const { lines } = await sshdLog(end);
    expect(logins(lines)).toBe(12);
    expect(mostInHandshake(lines)).toBeLessThanOrEqual(3);
    await shells.closeAll();
  });

  it('Given the same 12 hosts and a cap of 12, When all connect at once, Then sshd sees more than 3 in handshake (the measure above can see a burst)', async () => {
    const { end } = await sshdLog(0);
    const shells = shellsWith({ port: PORT, maxHandshakes: 12 });
    const results = await Promise.all(hosts(12).map((host) => shells.connect(host)));
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(mostInHandshake((await sshdLog(end)).lines)).toBeGreaterThan(3);
    await shells.closeAll();
  });

  it('Given every fleet host behind one ProxyJump, When each connects and runs a command, Then the jump host saw exactly one connection', async () => {
    // Given
    const config = join(tmp, 'ssh_config');
    await writeFile(
      config,
      `Host ${fleet.hosts.map((host) => host.name).join(' ')}\n  ProxyJump root@${address}:${PORT}\n`,
    );
    const { end } = await sshdLog(0);
    const shells = shellsWith({}, config);
    // When
    const names = await Promise.all(
      fleet.hosts.map(async (host) => {
        const shell = await shells.connect({ ...host, group: 'web', lbServer: host.name });
        if (!shell.ok) throw new Error(shell.error.message);
        const result = await shell.value.exec(['hostname']);
        return result.ok ? result.value.stdout.trim() : result.error.message;
      }),
    );
    // Then each host answered through the jump host, which had one connection and one login
    expect(names).toEqual(fleet.hosts.map((host) => host.name));
    const { lines } = await sshdLog(end);
    expect(arrivals(lines)).toBe(1);
    expect(logins(lines)).toBe(1);
  });
});
