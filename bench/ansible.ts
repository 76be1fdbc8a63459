/**
 * The same rollout as an Ansible rolling update, when `ansible-playbook` is
 * installed: `serial: 50%`, `community.general.haproxy` (drain until no
 * sessions, then MAINT; later enabled and waited UP), `apt`, `uri` until the
 * body names the version and `wait_for` port 22 — the HTTP check twice, for
 * the two passes in a row the others need. The haproxy module and `until`
 * poll in whole seconds (integer `wait_interval` / `delay`): that granularity
 * is Ansible's own, and part of what is measured.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import type { Fleet } from '../test/fleet/fleet.js';
import type { BenchRollout } from './rollout.js';

const run = promisify(execFile);

/** Why Ansible cannot be measured here, or undefined when it can. */
export async function ansibleMissing(): Promise<string | undefined> {
  const found = await run('ansible-playbook', ['--version']).then(
    () => true,
    () => false,
  );
  if (!found) return 'ansible-playbook not installed: skipped';
  // ansible-doc exits 0 with only a warning when the module is missing: its documentation is the proof.
  const collection = await run('ansible-doc', ['-t', 'module', 'community.general.haproxy']).then(
    ({ stdout }) => stdout.includes('community.general.haproxy'),
    () => false,
  );
  if (!collection)
    return 'the community.general collection is missing (ansible-galaxy collection install community.general): skipped';
  const pythonApt = await run('/usr/bin/python3', ['-c', 'import apt']).then(
    () => true,
    () => false,
  );
  if (!pythonApt)
    return "python3-apt is missing (Ansible's apt module needs it on the hosts: apt-get install python3-apt): skipped";
  return undefined;
}

export interface AnsibleFiles {
  inventory: string;
  playbook: string;
  env: NodeJS.ProcessEnv;
}

export async function writeAnsibleFiles(fleet: Fleet, rollout: BenchRollout, dir: string): Promise<AnsibleFiles> {
  const hosts = rollout.batches.flat();
  const inventory = {
    web: {
      hosts: Object.fromEntries(
        hosts.map((name) => [name, { ansible_host: fleet.hosts.find((host) => host.name === name)?.address }]),
      ),
      vars: {
        ansible_user: 'root',
        ansible_ssh_private_key_file: fleet.identityFile,
        ansible_ssh_common_args: `-F /dev/null -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${fleet.knownHostsPath} -o GlobalKnownHostsFile=/dev/null`,
        ansible_python_interpreter: '/usr/bin/python3',
      },
    },
  };
  const haproxy = (state: 'disabled' | 'enabled') => ({
    'community.general.haproxy': {
      state,
      host: '{{ inventory_hostname }}',
      backend: fleet.haproxy.backend,
      socket: fleet.haproxy.socket,
      wait: true,
      wait_interval: 1,
      wait_retries: 60,
      ...(state === 'disabled' ? { drain: true } : {}),
    },
    delegate_to: 'localhost',
  });
  const health = (pass: number) => ({
    name: `Health gate, pass ${pass}`,
    'ansible.builtin.uri': { url: 'http://{{ ansible_host }}:8080/health', return_content: true, status_code: 200 },
    register: 'health',
    until: 'health.status == 200 and version in health.content',
    retries: 300,
    delay: 1,
  });
  const play = [
    {
      name: `Rolling update of demo to ${rollout.version}`,
      hosts: 'web',
      serial: `${Math.round(100 / rollout.batches.length)}%`,
      gather_facts: false,
      any_errors_fatal: true,
      vars: { version: rollout.version },
      tasks: [
        { name: 'Drain until no sessions, then MAINT', ...haproxy('disabled') },
        { name: 'Install demo', 'ansible.builtin.apt': { name: 'demo={{ version }}', allow_downgrade: true } },
        health(1),
        {
          name: 'Health gate: ssh port open',
          'ansible.builtin.wait_for': { host: '{{ ansible_host }}', port: 22, timeout: 5 },
          delegate_to: 'localhost',
        },
        health(2),
        { name: 'Back in rotation, wait for UP', ...haproxy('enabled') },
      ],
    },
  ];
  const files = { inventory: join(dir, 'ansible-inventory.yaml'), playbook: join(dir, 'ansible-rollout.yaml') };
  await writeFile(files.inventory, stringify(inventory));
  await writeFile(files.playbook, stringify(play));
  return {
    ...files,
    env: {
      ...process.env,
      ANSIBLE_PIPELINING: 'True',
      ANSIBLE_HOST_KEY_CHECKING: 'True',
      ANSIBLE_FORKS: String(hosts.length),
      ANSIBLE_NOCOLOR: '1',
    },
  };
}
