/**
 * The topology operators run: the orchestrator on its own machine, an
 * active/passive HAProxy pair whose admin sockets exist only on the load
 * balancer hosts (reached over SSH, `ssh://`), hosts that log in with
 * different users, ports and keys — and the inventory imported from an
 * Ansible file that Ansible's own `ansible-inventory` reads the same way.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseInventory } from '../../src/app/import/import-service.js';
import { listView } from '../../src/app/import/list-view.js';
import { generateKeyPair } from '../fleet/keys.js';
import { DEFAULT_SUDO_USER, INITIAL_VERSION } from '../fleet/fleet.js';
import { hostPaths } from '../fleet/paths.js';
import { lbCommand, lbHostAddress, lbSsh, startLbPair, type LbHost } from '../fleet/lb-host.js';
import { allOn, installedVersions } from './support/fleet-state.js';
import { useFreshFleet } from './support/given-fleet.js';
import { runLieutenant } from './support/lieutenant.js';
import { sampleLbHost } from './support/lb-pair-sampler.js';
import { runChecked } from '../fleet/exec.js';
import { FAST_PLAYBOOK } from './support/rollout-repo.js';

const given = useFreshFleet();

/** The fleet's inventory file, as far as these tests edit it. */
type FleetInventory = {
  ssh: Record<string, unknown>;
  loadBalancers: Record<string, unknown>;
  groups: Record<string, Record<string, unknown>>;
};
const WEB = ['web-01', 'web-02', 'web-03', 'web-04'];
/** web-02's second sshd: another port, accepting only another key. */
const OTHER_PORT = 2222;
let work: string;
let lbs: LbHost[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'lieutenant-topology-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A second sshd inside a host's (or LB host's) namespace, from a variant of its config; stopped by its pid file. */
async function extraSshd(
  run: (command: string) => Promise<{ code: number; stderr: string }>,
  config: string,
  name: string,
): Promise<() => Promise<void>> {
  const path = join(work, `${name}.sshd_config`);
  const pid = join(work, `${name}.sshd.pid`);
  await writeFile(path, `${config}\nPidFile "${pid}"\n`);
  const started = await run(`/usr/sbin/sshd -f ${path} -E ${join(work, `${name}.sshd.log`)}`);
  if (started.code !== 0) throw new Error(`${name}: sshd did not start: ${started.stderr}`);
  return async () => {
    await run(`kill $(cat ${pid})`);
  };
}

async function ansibleList(file: string): Promise<unknown> {
  const { stdout } = await promisify(execFile)('ansible-inventory', ['-i', file, '--list'], {
    env: { ...process.env, ANSIBLE_LOCAL_TEMP: work, ANSIBLE_HOME: join(work, 'ansible-home') },
  });
  return JSON.parse(stdout);
}

async function rolloutRepo(inventory: Record<string, unknown>): Promise<{ dir: string }> {
  const dir = await mkdtemp(join(work, 'repo-'));
  const git = (...args: string[]) => runChecked('git', args, { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', 'E2E Operator');
  await git('config', 'user.email', 'e2e@lieutenant.invalid');
  await runChecked('mkdir', ['-p', join(dir, 'inventories'), join(dir, 'playbooks')]);
  await writeFile(join(dir, 'inventories', 'staging.yaml'), stringify(inventory, { lineWidth: 0 }));
  await writeFile(
    join(dir, 'playbooks', 'web.yaml'),
    stringify({
      rollout: 'web',
      inventory: 'staging',
      targets: { web: { packages: { demo: '1.1' } } },
      strategy: { batches: ['50%'], concurrency: 2, maxUnavailable: 2, pause: 'none', onFailure: 'rollback' },
      health: FAST_PLAYBOOK.health,
      drain: FAST_PLAYBOOK.drain,
    }),
  );
  await git('add', '.');
  await git('commit', '-q', '-m', 'Release demo 1.1');
  return { dir };
}

describe('an HAProxy pair reached only over SSH, hosts with their own SSH settings, from an Ansible inventory', () => {
  it('given the Ansible file, when imported, completed with the pair and run, then Ansible and Lieutenant read the same fleet, and the release drains through both load balancers under the cap', async () => {
    const { fleet } = given;
    const prefix = fleet.prefix;
    lbs = await startLbPair(fleet);
    for (const lb of lbs) {
      // The admin socket exists only on its host: here its folder is empty.
      expect(existsSync(lb.socketPath)).toBe(false);
      for (const server of WEB) await lbCommand(fleet, lb, `set server app/${server} state ready`);
    }
    // web-02 listens on another port too, for another key only.
    const otherKey = join(work, 'web-02_ed25519');
    const otherPublic = await generateKeyPair('ssh-keygen', otherKey, 'web-02 only');
    await writeFile(`${otherKey}.authorized`, `${otherPublic}\n`, { mode: 0o644 });
    const web02 = hostPaths(fleet.dir, 'web-02');
    const address02 = `${prefix}.12`;
    const hostConfig = (await readFile(web02.sshdConfig, 'utf8'))
      .replace(/^ListenAddress .*$/m, `ListenAddress ${address02}:${OTHER_PORT}`)
      .replace(/^PidFile .*$/m, '')
      .replace(/^AuthorizedKeysFile .*$/m, `AuthorizedKeysFile "${otherKey}.authorized"`);
    const stopOther = await extraSshd((command) => fleet.ssh('web-02', command), hostConfig, 'web-02');
    try {
      const hostKey = (await readFile(`${web02.hostKey}.pub`, 'utf8')).split(/\s+/).slice(0, 2).join(' ');
      const knownHosts = join(work, 'known_hosts');
      await writeFile(
        knownHosts,
        `${await readFile(fleet.knownHostsPath, 'utf8')}[${address02}]:${OTHER_PORT} ${hostKey}\n`,
      );

      // Given the Ansible inventory an operator has: the LB pair, web hosts with their own users, ports and keys,
      // a parent group, and the controller itself (a local connection).
      const ansibleFile = join(work, 'hosts');
      await writeFile(
        ansibleFile,
        [
          '# Production web tier behind an active/passive HAProxy pair (keepalived).',
          'controller ansible_connection=local',
          '[lb]',
          `lb-[1:2] ansible_user=root`,
          '[web]',
          `web-01 ansible_host=${prefix}.11`,
          `web-02 ansible_host=${address02} ansible_port=${OTHER_PORT} ansible_ssh_private_key_file=${otherKey}`,
          `web-03 ansible_host=${prefix}.13 ansible_user=${DEFAULT_SUDO_USER} ansible_become=yes`,
          `web-04 ansible_host=${prefix}.14 ansible_user=${DEFAULT_SUDO_USER} ansible_become=yes`,
          '[lb:vars]',
          'ansible_become=no',
          '[production:children]',
          'lb',
          'web',
          '[all:vars]',
          `ansible_ssh_private_key_file=${fleet.identityFile}`,
          'ansible_user=root',
          '',
        ].join('\n'),
      );
      // Then Ansible and Lieutenant read the same hosts, groups and memberships from it
      const read = parseInventory(await readFile(ansibleFile, 'utf8'), '');
      expect(read.inventory.ok).toBe(true);
      if (!read.inventory.ok) return;
      expect(listView(read.inventory.value)).toEqual(listView(await ansibleList(ansibleFile)));

      // When imported
      const imported = await mkdtemp(join(work, 'import-'));
      const importing = await runLieutenant(['import', 'ansible', ansibleFile, '--env', 'staging'], {
        repo: { dir: imported },
      });
      expect(importing.code, importing.output).toBe(0);
      const text = await readFile(join(imported, 'inventories', 'staging.yaml'), 'utf8');
      expect(text).toContain('#   host controller: not imported, ansible_connection=local');
      const inventory = parse(text) as {
        ssh: Record<string, unknown>;
        groups: Record<
          string,
          { hosts: Record<string, Record<string, unknown>>; loadBalancer?: unknown; health?: unknown }
        >;
        loadBalancers: Record<string, unknown>;
      };
      expect(inventory.ssh).toMatchObject({ user: 'root', port: 22, identityFile: fleet.identityFile, become: 'none' });
      expect(inventory.groups.web?.hosts).toEqual({
        'web-01': { address: `${prefix}.11` },
        'web-02': { address: address02, ssh: { port: OTHER_PORT, identityFile: otherKey } },
        'web-03': { address: `${prefix}.13`, ssh: { user: DEFAULT_SUDO_USER, become: 'sudo' } },
        'web-04': { address: `${prefix}.14`, ssh: { user: DEFAULT_SUDO_USER, become: 'sudo' } },
      });

      // And completed with what Ansible has no word for: the pair, reached over SSH only, and the health checks
      inventory.ssh.knownHosts = knownHosts;
      inventory.loadBalancers = Object.fromEntries(
        lbs.map((lb) => [lb.name, { type: 'haproxy', socket: lb.socket, backend: 'app' }]),
      );
      const web = inventory.groups.web;
      if (!web) throw new Error('no web group');
      web.loadBalancer = lbs.map((lb) => lb.name);
      web.health = [{ http: { url: 'http://{{host.address}}:8080/health', bodyContains: '{{packages.demo}}' } }];
      delete inventory.groups.lb; // the LB hosts are not rolled out to here
      const repo = await rolloutRepo(inventory);

      // Then plan --explain-ssh says where each host's settings come from
      const explained = await runLieutenant(['plan', 'web', '--explain-ssh'], { repo });
      expect(explained.code, explained.output).toBe(0);
      expect(explained.stdout).toMatch(
        new RegExp(`web-02 .*port ${OTHER_PORT} \\(host\\).*identityFile ${otherKey} \\(host\\)`),
      );
      expect(explained.stdout).toMatch(
        new RegExp(`web-03 .*user ${DEFAULT_SUDO_USER} \\(host\\).*become sudo \\(host\\)`),
      );
      expect(explained.stdout).toMatch(/load balancer lb-1 .*user root \(socket\)/);

      // When the release runs, watched from inside each load balancer host
      const samplers = lbs.map((lb) => sampleLbHost(fleet, lb, WEB));
      const run = await runLieutenant(['run', 'web', '--yes', '--json'], { repo });
      const reports = await Promise.all(samplers.map((sampler) => sampler.stop()));
      expect(run.code, run.output).toBe(0);
      // Then every host is on the release, each was out of rotation on both load balancers, never more than the cap
      expect(await installedVersions(fleet, WEB)).toEqual(allOn(WEB, '1.1'));
      for (const report of reports) {
        expect(report.samples).toBeGreaterThan(5);
        expect(report.everOut).toEqual(WEB);
        expect(report.maxOut).toBeLessThanOrEqual(2);
      }
      // And all are back in rotation on both
      for (const lb of lbs) {
        const states = await lbCommand(fleet, lb, 'show servers state app');
        for (const server of WEB) expect(states).toMatch(new RegExp(`^\\d+ app \\d+ ${server} \\S+ 2 0 `, 'm'));
      }
    } finally {
      await stopOther();
    }
  });

  it('given one load balancer of the pair unreachable, when run, then it stops before any host leaves rotation', async () => {
    const { fleet } = given;
    lbs = await startLbPair(fleet);
    const [lb1] = lbs;
    if (!lb1) throw new Error('no LB');
    const inventory = parse(await readFile(fleet.inventoryPath, 'utf8')) as FleetInventory;
    inventory.loadBalancers = {
      'lb-1': { type: 'haproxy', socket: lb1.socket, backend: 'app' },
      // Nothing listens for SSH there.
      'lb-2': {
        type: 'haproxy',
        socket: `ssh://root@${lbHostAddress(fleet.prefix, 3)}/run/haproxy/admin.sock`,
        backend: 'app',
      },
    };
    inventory.groups = { web: { ...inventory.groups.web, loadBalancer: ['lb-1', 'lb-2'] } };
    inventory.ssh.connectTimeout = '2s';
    const repo = await rolloutRepo(inventory);
    const run = await runLieutenant(['run', 'web', '--yes'], { repo });
    expect(run.code, run.output).toBe(2);
    expect(run.output).toContain('lb-2');
    expect(run.output).toContain('nothing was changed on any host');
    expect(await lbCommand(fleet, lb1, 'show stat')).not.toMatch(/^app,web-0\d,.*,(MAINT|DRAIN)/m);
    expect(await installedVersions(fleet, WEB)).toEqual(allOn(WEB, INITIAL_VERSION));
  });

  it('given an LB host whose sshd forbids stream-local forwarding, when planned, then one message names AllowStreamLocalForwarding', async () => {
    const { fleet } = given;
    lbs = await startLbPair(fleet);
    const [lb1] = lbs;
    if (!lb1) throw new Error('no LB');
    const config = (await readFile(join(fleet.dir, 'lb', 'lb-1', 'sshd_config'), 'utf8'))
      .replace(/^ListenAddress .*$/m, `ListenAddress ${lb1.address}:${OTHER_PORT}`)
      .replace(/^PidFile .*$/m, '')
      .concat('AllowStreamLocalForwarding no\n');
    const stop = await extraSshd((command) => lbSsh(fleet, lb1, command), config, 'lb-1-noforward');
    try {
      const hostKey = (await readFile(join(fleet.dir, 'lb', 'lb-1', 'ssh_host_ed25519_key.pub'), 'utf8'))
        .split(/\s+/)
        .slice(0, 2)
        .join(' ');
      const knownHosts = join(work, 'known_hosts_noforward');
      await writeFile(
        knownHosts,
        `${await readFile(fleet.knownHostsPath, 'utf8')}[${lb1.address}]:${OTHER_PORT} ${hostKey}\n`,
      );
      const inventory = parse(await readFile(fleet.inventoryPath, 'utf8')) as FleetInventory;
      inventory.ssh.knownHosts = knownHosts;
      inventory.loadBalancers = {
        'lb-1': {
          type: 'haproxy',
          socket: lb1.socket.replace(lb1.address, `${lb1.address}:${OTHER_PORT}`),
          backend: 'app',
        },
      };
      inventory.groups = { web: { ...inventory.groups.web, loadBalancer: 'lb-1' } };
      const repo = await rolloutRepo(inventory);
      const plan = await runLieutenant(['plan', 'web'], { repo });
      expect(plan.code, plan.output).toBe(2);
      expect(plan.output).toContain('AllowStreamLocalForwarding');
      // Said once, not once per host or per attempt
      expect(plan.output.split('AllowStreamLocalForwarding').length - 1).toBe(1);
    } finally {
      await stop();
    }
  });
});
