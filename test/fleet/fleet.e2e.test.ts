import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCommand } from './exec.js';
import type { Fleet } from './fleet.js';
import {
  BROKEN_VERSION,
  DEFAULT_SUDO_USER,
  httpGet,
  parseShowStat,
  resetFleet,
  serverStatuses,
  sshArguments,
  startFleet,
  sudoersPath,
  waitFor,
} from './fleet.js';
import { REPO_ROOT } from './paths.js';
import { findFleetProcesses, isAlive } from './processes.js';
import { isListening } from './probe.js';
import { readState } from './state.js';

// Its own fleet, prefix and dir, so the shared e2e fleet of the global setup is left alone.
const DIR = join(REPO_ROOT, '.fleet', 'self-test');
const PREFIX = process.env.LIEUTENANT_FLEET_SELFTEST_PREFIX ?? '127.0.3';

async function healthOf(fleet: Fleet) {
  return Promise.all(fleet.hosts.map((host) => httpGet(`http://${host.address}:8080/health`)));
}

async function haproxyStatuses(fleet: Fleet): Promise<Map<string, string>> {
  const rows = parseShowStat(await fleet.haproxyCommand('show stat'));
  return new Map(
    rows
      .filter((row) => row.pxname === 'app' && row.svname?.startsWith('web-'))
      .map((row) => [row.svname ?? '', row.status ?? '']),
  );
}

describe('the local fleet', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet({ dir: DIR, hosts: 4, prefix: PREFIX, owner: process.pid, sudoUser: DEFAULT_SUDO_USER });
  });
  // The last test takes the fleet down itself; this only covers a failure before it.
  afterAll(() => fleet?.down());

  it('gives each host its own name and demo 1.0, reached over SSH with strict host keys', async () => {
    // Given a fleet of 4 hosts that just came up
    expect(fleet.hosts.map((host) => `${host.name}=${host.address}`)).toEqual([
      `web-01=${PREFIX}.11`,
      `web-02=${PREFIX}.12`,
      `web-03=${PREFIX}.13`,
      `web-04=${PREFIX}.14`,
    ]);
    // When each host is asked over SSH for its hostname and installed demo version
    const answers = await Promise.all(
      fleet.hosts.map((host) => fleet.ssh(host.name, "hostname; dpkg-query -W -f='${Version}' demo")),
    );
    // Then each answers with its own name and 1.0
    expect(answers.map((answer) => [answer.code, answer.stdout])).toEqual(
      fleet.hosts.map((host) => [0, `${host.name}\n1.0`]),
    );
  });

  it('refuses to talk to a host whose key is not in known_hosts', async () => {
    // Given ssh options that trust nothing
    const args = sshArguments({ identityFile: fleet.identityFile, knownHostsPath: '/dev/null' });
    // When connecting to a host
    const result = await runCommand('ssh', [...args, fleet.hosts[0]?.address ?? '', 'true']);
    // Then the connection is refused for its host key
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/Host key verification failed/);
  });

  it('lets the deploy user log in with the fleet key and run commands as root with sudo -n, logged on that host only', async () => {
    // Given the fleet's deploy user: a real account, key login, a checked sudo rule
    expect(fleet.sudoUser).toBe(DEFAULT_SUDO_USER);
    expect((await runCommand('getent', ['shadow', DEFAULT_SUDO_USER])).stdout.split(':')[1]).toBe('*');
    expect((await stat(sudoersPath(DEFAULT_SUDO_USER))).mode & 0o777).toBe(0o440);
    expect((await runCommand('visudo', ['-c', '-q', '-f', sudoersPath(DEFAULT_SUDO_USER)])).code).toBe(0);
    const before = (await fleet.ssh('web-03', 'cat /var/log/sudo.log 2>/dev/null || true')).stdout;
    // When it asks web-03 who it is, with and without sudo
    const answer = await fleet.ssh('web-03', 'id -un; sudo -n id -un', { user: DEFAULT_SUDO_USER });
    // Then it is itself, then root — with nothing on stderr (the host resolves its own name, so sudo does not warn)
    expect([answer.code, answer.stdout, answer.stderr]).toEqual([0, `${DEFAULT_SUDO_USER}\nroot\n`, '']);
    // And sudo logged the command to web-03's own /var/log, not the machine's or a neighbour's
    const after = (await fleet.ssh('web-03', 'cat /var/log/sudo.log')).stdout;
    expect(after.slice(before.length)).toMatch(
      new RegExp(`: ${DEFAULT_SUDO_USER} : .*USER=root ; COMMAND=/usr/bin/id -un\n$`),
    );
    expect((await fleet.ssh('web-04', 'cat /var/log/sudo.log 2>/dev/null || true')).stdout).not.toMatch(
      /COMMAND=\/usr\/bin\/id -un/,
    );
    // And sshd recorded the session as the deploy user's
    expect(await readFile(join(DIR, 'hosts', 'web-03', 'sshd.log'), 'utf8')).toMatch(
      new RegExp(`Accepted publickey for ${DEFAULT_SUDO_USER} `),
    );
  });

  it('upgrades one host with apt-get without touching the others or the real machine', async () => {
    // Given every host healthy on 1.0
    expect((await healthOf(fleet)).map((answer) => [answer.status, answer.body.trim()])).toEqual(
      Array(4).fill([200, 'demo 1.0 ok']),
    );
    // When web-02 installs demo 1.1 with apt-get over SSH
    const install = await fleet.ssh('web-02', 'DEBIAN_FRONTEND=noninteractive apt-get install -y demo=1.1');
    expect(install.code, install.stderr).toBe(0);
    // Then only web-02's service reports 1.1 …
    const bodies = (await healthOf(fleet)).map((answer) => answer.body.trim());
    expect(bodies).toEqual(['demo 1.0 ok', 'demo 1.1 ok', 'demo 1.0 ok', 'demo 1.0 ok']);
    // … and the machine running the fleet has no demo package at all
    const local = await runCommand('dpkg-query', ['-W', 'demo']);
    expect(local.code).not.toBe(0);
  });

  it('puts the hosts behind HAProxy, all UP, and drains one through the runtime API', async () => {
    // Given the runtime API over the unix socket
    expect([...(await haproxyStatuses(fleet)).values()]).toEqual(['UP', 'UP', 'UP', 'UP']);
    // When web-02 is set to drain
    expect((await fleet.haproxyCommand('set server app/web-02 state drain')).trim()).toBe('');
    // Then HAProxy reports it DRAIN, and the others still UP
    const statuses = await haproxyStatuses(fleet);
    expect(Object.fromEntries(statuses)).toEqual({ 'web-01': 'UP', 'web-02': 'DRAIN', 'web-03': 'UP', 'web-04': 'UP' });
    // And the frontend still answers, from the hosts in rotation
    const answer = await httpGet(`${fleet.haproxy.frontendUrl}/`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^web-0[134] demo 1\.0/);
    // And the tcp:// form of the runtime API answers too
    expect(fleet.haproxy.tcpSocket).toBe(`tcp://${PREFIX}.250:9999`);
    expect((await serverStatuses(fleet.haproxy.tcpSocket ?? '')).get('web-02')).toBe('DRAIN');
  });

  it('makes /health answer 500 on the broken version, and HAProxy take the host out', async () => {
    // When web-04 installs the broken release
    const install = await fleet.ssh(
      'web-04',
      `DEBIAN_FRONTEND=noninteractive apt-get install -y demo=${BROKEN_VERSION}`,
    );
    expect(install.code, install.stderr).toBe(0);
    // Then its service answers 500, at once (it reads /opt/demo on every request)
    const health = await httpGet(`http://${PREFIX}.14:8080/health`);
    expect([health.status, health.body.trim()]).toEqual([500, `demo ${BROKEN_VERSION} broken`]);
    // And HAProxy's checks mark it DOWN
    await waitFor(async () => (await haproxyStatuses(fleet)).get('web-04') === 'DOWN', {
      what: 'web-04 DOWN',
      timeoutMs: 10_000,
    });
  });

  it('is reset to demo 1.0 everywhere, all UP, even with a host that died', async () => {
    // Given web-01 killed (its whole process group: sshd and service)
    const web01 = fleet.hosts[0]?.pid ?? 0;
    process.kill(-web01, 'SIGKILL');
    await waitFor(async () => !(await isAlive(web01)), { what: 'web-01 to die' });
    // When the fleet is reset
    fleet = await resetFleet(fleet);
    // Then every host runs 1.0 again and answers, web-01 with its old host key
    expect((await healthOf(fleet)).map((answer) => answer.body.trim())).toEqual(Array(4).fill('demo 1.0 ok'));
    expect((await fleet.ssh('web-01', 'hostname')).stdout).toBe('web-01\n');
    expect([...(await haproxyStatuses(fleet)).values()]).toEqual(['UP', 'UP', 'UP', 'UP']);
  });

  it('writes an inventory in the format of docs/rollout-repo.md', async () => {
    const inventory = parse(await readFile(fleet.inventoryPath, 'utf8'));
    expect(inventory).toEqual({
      environment: 'staging',
      ssh: {
        user: 'root',
        port: 22,
        identityFile: fleet.identityFile,
        knownHosts: fleet.knownHostsPath,
        hostKeyPolicy: 'strict',
        become: 'none',
      },
      loadBalancers: { edge: { type: 'haproxy', socket: fleet.haproxy.socket, backend: 'app' } },
      groups: {
        web: {
          packageManager: 'apt',
          loadBalancer: 'edge',
          hosts: Object.fromEntries(fleet.hosts.map((host) => [host.name, { address: host.address }])),
          health: [
            { http: { url: 'http://{{host.address}}:8080/health', status: 200, bodyContains: '{{packages.demo}}' } },
            { tcp: { port: 22 } },
          ],
        },
      },
    });
  });

  it('leaves nothing running or listening after down', async () => {
    // Given a fleet with long-running commands left behind by SSH sessions, one as root, one through the deploy user's sudo
    expect((await fleet.ssh('web-03', 'nohup sleep 600 >/dev/null 2>&1 & echo started')).stdout).toBe('started\n');
    const bySudo = await fleet.ssh('web-02', 'nohup sudo -n sleep 601 >/dev/null 2>&1 & echo started', {
      user: DEFAULT_SUDO_USER,
    });
    expect(bySudo.stdout).toBe('started\n');
    const state = await readState(DIR);
    const namespaces = state?.hosts.flatMap((host) => (host.mountNamespace ? [host.mountNamespace] : [])) ?? [];
    // (the backgrounded sudo forks its sleep a moment after the SSH command returns)
    const before = await waitFor(
      async () => {
        const found = await findFleetProcesses(DIR, namespaces);
        return found.length >= 4 * 2 + 1 + 1 + 2 ? found : undefined; // sshd + service per host, haproxy, sleep, sudo + sleep
      },
      { what: 'the fleet processes and the two left-behind commands', timeoutMs: 15_000 },
    );
    // When the fleet goes down
    await fleet.down();
    // Then none of its processes is alive, in its namespaces or named after its dir
    expect((await Promise.all(before.map(isAlive))).filter(Boolean)).toEqual([]);
    expect(await findFleetProcesses(DIR, namespaces)).toEqual([]);
    // And nothing listens on its addresses
    const endpoints = [
      ...fleet.hosts.flatMap((host) => [`${host.address}:22`, `${host.address}:8080`]),
      `${PREFIX}.250:8080`,
      `${PREFIX}.250:9999`,
    ];
    const listening = await Promise.all(
      endpoints.map(async (endpoint) => {
        const [address = '', port = ''] = endpoint.split(':');
        return (await isListening(address, Number(port))) ? endpoint : '';
      }),
    );
    expect(listening.filter(Boolean)).toEqual([]);
    // And the state file is gone, so a second down is a no-op
    expect(await readState(DIR)).toBeUndefined();
    await fleet.down();
  });
});
