/**
 * A host's Ansible connection variables → the SSH settings Lieutenant has:
 * `ansible_user`, `ansible_port`, `ansible_ssh_private_key_file`,
 * `ansible_become`, and a jump host given as `-o ProxyJump=…` (or `-J …`) in
 * `ansible_ssh_common_args` / `ansible_ssh_extra_args`. A value Lieutenant
 * could not use (a user name it refuses, a port out of range, a path with
 * control characters) is not taken: a note says which variable, never its value.
 */
import { PROXY_JUMP, SSH_USER } from '../../spec/names.js';
import type { AnsibleVars } from './ansible-model.js';

export interface MappedSsh {
  user?: string;
  port?: number;
  identityFile?: string;
  become?: 'none' | 'sudo';
  proxyJump?: string;
}

export const SSH_FIELDS = ['user', 'port', 'identityFile', 'become', 'proxyJump'] as const;
export type SshField = (typeof SSH_FIELDS)[number];

/** Connection plugins that are SSH; any other (local, docker, winrm…) is not a host Lieutenant reaches. */
const SSH_CONNECTIONS = new Set([
  'ssh',
  'smart',
  'paramiko',
  'paramiko_ssh',
  'ansible.builtin.ssh',
  'ansible.builtin.paramiko_ssh',
]);

export function connectionOf(vars: AnsibleVars): string | undefined {
  const connection = text(vars.ansible_connection);
  return connection === undefined || SSH_CONNECTIONS.has(connection) ? undefined : connection;
}

export function sshOf(vars: AnsibleVars): { ssh: MappedSsh; notes: string[] } {
  const ssh: MappedSsh = {};
  const notes: string[] = [];
  const user = text(vars.ansible_user ?? vars.ansible_ssh_user);
  if (user !== undefined) {
    if (SSH_USER.test(user)) ssh.user = user;
    else notes.push('ansible_user is not a user name Lieutenant accepts; not mapped');
  }
  const port = text(vars.ansible_port ?? vars.ansible_ssh_port);
  if (port !== undefined) {
    if (/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535) ssh.port = Number(port);
    else notes.push('ansible_port is not a port from 1 to 65535; not mapped');
  }
  const key = text(vars.ansible_ssh_private_key_file ?? vars.ansible_private_key_file);
  if (key !== undefined) {
    // eslint-disable-next-line no-control-regex
    if (key !== '' && !/[\x00-\x1f\x7f\u0085\u2028\u2029]/.test(key)) ssh.identityFile = key;
    else notes.push('ansible_ssh_private_key_file is not a usable path; not mapped');
  }
  if (vars.ansible_become !== undefined) ssh.become = truthy(vars.ansible_become) ? 'sudo' : 'none';
  const jump = proxyJumpOf(vars);
  if (jump.value !== undefined) ssh.proxyJump = jump.value;
  notes.push(...jump.notes);
  const method = text(vars.ansible_become_method);
  if (method !== undefined && method !== 'sudo') notes.push('ansible_become_method is not sudo: Lieutenant uses sudo');
  const becomeUser = text(vars.ansible_become_user);
  if (becomeUser !== undefined && becomeUser !== 'root')
    notes.push('ansible_become_user is not root: Lieutenant becomes root');
  return { ssh, notes };
}

function proxyJumpOf(vars: AnsibleVars): { value?: string; notes: string[] } {
  const notes: string[] = [];
  let value: string | undefined;
  for (const name of ['ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
    const args = text(vars[name]);
    if (args === undefined) continue;
    const found = /(?:-o\s*["']?ProxyJump[=\s]\s*|-J\s*)["']?([^\s"']+)["']?/i.exec(args);
    const rest = found ? args.replace(found[0], '').trim() : args.trim();
    if (found?.[1] !== undefined) {
      if (PROXY_JUMP.test(found[1])) value ??= found[1];
      else notes.push(`${name}: its ProxyJump is not [user@]HOST[:PORT][,…]; not mapped`);
    }
    if (rest !== '') notes.push(`${name}: options other than ProxyJump are not mapped`);
  }
  return { ...(value === undefined ? {} : { value }), notes };
}

export const text = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : String(value);

/** Ansible's booleans: true/yes/on/1 in any case. */
export const truthy = (value: unknown): boolean => value === true || /^(true|yes|on|1)$/i.test(String(value ?? ''));
