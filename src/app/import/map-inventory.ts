/**
 * An Ansible inventory → what a Lieutenant inventory can say of it. Each host
 * goes to one group (Lieutenant's hosts are in exactly one): by default the
 * most specific Ansible group listing it; with `groups`, those groups, each
 * with the hosts of its children ("flattened"). SSH settings are one per
 * inventory in Lieutenant: the value most hosts share is used, and every
 * host that differs is noted. Whatever cannot be mapped becomes a note — the
 * names of variables only, never their values (they may be passwords).
 */
import { ADDRESS, NAME } from '../../spec/names.js';
import {
  descendantHosts,
  effectiveVars,
  groupDepths,
  type AnsibleInventory,
  type AnsibleVars,
} from './ansible-model.js';

export interface MappedHost {
  name: string;
  address: string;
  notes: string[];
}

export interface MappedGroup {
  name: string;
  /** The Ansible group it comes from. */
  from: string;
  hosts: MappedHost[];
}

export interface MappedSsh {
  user: string;
  port: number;
  identityFile?: string;
  become: 'none' | 'sudo';
  /** Per setting, why it has this value when Ansible does not say (`user` defaults to root). */
  notes: string[];
}

export interface MappedInventory {
  ssh: MappedSsh;
  groups: MappedGroup[];
  /** Hosts left out, and variables with no Lieutenant setting, one line each. */
  notMapped: string[];
}

/** The variables this import turns into settings; any other is listed as not mapped. */
const MAPPED_VARS = new Set([
  'ansible_host',
  'ansible_ssh_host',
  'ansible_port',
  'ansible_ssh_port',
  'ansible_user',
  'ansible_ssh_user',
  'ansible_ssh_private_key_file',
  'ansible_private_key_file',
  'ansible_become',
  'ansible_become_method',
  'ansible_become_user',
]);

export type MapResult = { ok: true; value: MappedInventory } | { ok: false; error: string };

export function mapInventory(inventory: AnsibleInventory, chosen?: readonly string[]): MapResult {
  const unknown = (chosen ?? []).filter((name) => !inventory.groups.has(name));
  if (unknown.length > 0) {
    const known = [...inventory.groups.keys()].filter((name) => name !== 'all');
    return {
      ok: false,
      error: `no Ansible group ${unknown.map((name) => `"${name}"`).join(', ')} in the inventory; its groups: ${known.join(', ')}`,
    };
  }
  const notMapped: string[] = [];
  const assignment = assignHosts(inventory, chosen, notMapped);
  const vars = new Map([...inventory.hosts.keys()].map((host) => [host, effectiveVars(inventory, host)]));
  const imported = [...assignment.values()].flat();
  const ssh = sshSettings(imported.map((host) => vars.get(host) ?? {}));

  const names = new Set<string>();
  const addresses = new Map<string, string>();
  const groups: MappedGroup[] = [];
  for (const [from, hosts] of assignment) {
    const group: MappedGroup = { name: safeName(from, new Set(groups.map((g) => g.name))), from, hosts: [] };
    for (const host of hosts) {
      const hostVars = vars.get(host) ?? {};
      const address = String(hostVars.ansible_host ?? hostVars.ansible_ssh_host ?? host);
      if (!ADDRESS.test(address)) {
        notMapped.push(`host ${host}: not imported, its address "${address}" is not an IP address or DNS name`);
        continue;
      }
      const same = addresses.get(address);
      if (same !== undefined) {
        notMapped.push(
          `host ${host}: not imported, same address ${address} as ${same} (Lieutenant needs one address per host)`,
        );
        continue;
      }
      addresses.set(address, host);
      const name = safeName(host, names);
      names.add(name);
      group.hosts.push({ name, address, notes: hostNotes(host, name, hostVars, ssh) });
    }
    if (group.hosts.length > 0) groups.push(group);
  }
  notMapped.push(...unmappedVars(inventory));
  return { ok: true, value: { ssh, groups, notMapped } };
}

/** Lieutenant group (by Ansible group name) → its hosts. */
function assignHosts(
  inventory: AnsibleInventory,
  chosen: readonly string[] | undefined,
  notMapped: string[],
): Map<string, string[]> {
  const depth = groupDepths(inventory);
  const candidates = chosen
    ? chosen.map((name) => ({ name, hosts: descendantHosts(inventory, name) }))
    : [...inventory.groups.values()]
        .filter((group) => group.name !== 'all' && group.hosts.length > 0)
        .map((group, order) => ({ name: group.name, hosts: new Set(group.hosts), order }))
        // The most specific group first: a host of web_eu (a child of web) goes to web_eu.
        .sort((a, b) => (depth.get(b.name) ?? 0) - (depth.get(a.name) ?? 0) || a.order - b.order);
  const assignment = new Map<string, string[]>(candidates.map((candidate) => [candidate.name, []]));
  const others = new Map<string, string[]>();
  for (const host of inventory.hosts.keys()) {
    const holding = candidates.filter((candidate) => candidate.hosts.has(host)).map((candidate) => candidate.name);
    const [first, ...rest] = holding;
    if (first === undefined) {
      if (chosen) notMapped.push(`host ${host}: not imported, in none of the groups chosen (${chosen.join(', ')})`);
      else assignment.set('ungrouped', [...(assignment.get('ungrouped') ?? []), host]);
      continue;
    }
    assignment.get(first)?.push(host);
    if (rest.length > 0) others.set(host, rest);
  }
  for (const [host, rest] of others)
    notMapped.push(
      `host ${host}: imported into group ${[...assignment].find(([, hosts]) => hosts.includes(host))?.[0]}, ` +
        `also in ${rest.join(', ')} (a Lieutenant host is in one group)`,
    );
  // Groups in the order of the file, whichever was filled first.
  const order = [...inventory.groups.keys()].filter((name) => name !== 'ungrouped').concat('ungrouped');
  return new Map([...assignment].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)));
}

function sshSettings(hosts: AnsibleVars[]): MappedSsh {
  const notes: string[] = [];
  const user = mostCommon(hosts.map((vars) => text(vars.ansible_user ?? vars.ansible_ssh_user)));
  if (user === undefined) notes.push('user: root, as Ansible sets no ansible_user (Ansible would log in as you)');
  const port = mostCommon(hosts.map((vars) => text(vars.ansible_port ?? vars.ansible_ssh_port)));
  const key = mostCommon(hosts.map((vars) => text(vars.ansible_ssh_private_key_file ?? vars.ansible_private_key_file)));
  const become = mostCommon(hosts.map((vars) => (truthy(vars.ansible_become) ? 'sudo' : 'none')));
  if (key !== undefined && !key.startsWith('/') && !key.startsWith('~'))
    notes.push(`identityFile: ${key} is read relative to the rollout repo, not to where Ansible ran`);
  return {
    user: user ?? 'root',
    port: port !== undefined && /^\d+$/.test(port) ? Number(port) : 22,
    ...(key !== undefined ? { identityFile: key } : {}),
    become: become === 'sudo' ? 'sudo' : 'none',
    notes,
  };
}

/** Where a host's Ansible settings differ from the inventory's one SSH block. */
function hostNotes(host: string, name: string, vars: AnsibleVars, ssh: MappedSsh): string[] {
  const notes: string[] = [];
  if (name !== host) notes.push(`Ansible name ${host}`);
  const user = text(vars.ansible_user ?? vars.ansible_ssh_user);
  if (user !== undefined && user !== ssh.user) notes.push(`ansible_user=${user} differs from ssh.user ${ssh.user}`);
  const port = text(vars.ansible_port ?? vars.ansible_ssh_port);
  if (port !== undefined && port !== String(ssh.port))
    notes.push(`ansible_port=${port} differs from ssh.port ${ssh.port}`);
  const key = text(vars.ansible_ssh_private_key_file ?? vars.ansible_private_key_file);
  if (key !== ssh.identityFile && (key !== undefined || ssh.identityFile !== undefined))
    notes.push(`key file ${key ?? '(none)'} differs from ssh.identityFile`);
  if ((truthy(vars.ansible_become) ? 'sudo' : 'none') !== ssh.become)
    notes.push(`ansible_become=${String(vars.ansible_become ?? false)} differs from ssh.become ${ssh.become}`);
  const method = text(vars.ansible_become_method);
  if (method !== undefined && method !== 'sudo') notes.push(`ansible_become_method=${method}: Lieutenant uses sudo`);
  const becomeUser = text(vars.ansible_become_user);
  if (becomeUser !== undefined && becomeUser !== 'root')
    notes.push(`ansible_become_user=${becomeUser}: Lieutenant becomes root`);
  const connection = text(vars.ansible_connection);
  if (connection !== undefined && connection !== 'ssh' && connection !== 'paramiko')
    notes.push(`ansible_connection=${connection}: Lieutenant reaches every host over SSH`);
  return notes;
}

/** Variables set in the inventory that no Lieutenant setting takes, by where they are set. */
function unmappedVars(inventory: AnsibleInventory): string[] {
  const lines: string[] = [];
  const names = (vars: AnsibleVars) =>
    Object.keys(vars).filter((name) => !MAPPED_VARS.has(name) && name !== 'ansible_connection');
  for (const group of inventory.groups.values()) {
    const unmapped = names(group.vars);
    if (unmapped.length > 0) lines.push(`vars of group ${group.name}: ${unmapped.join(', ')}`);
  }
  for (const [host, vars] of inventory.hosts) {
    const unmapped = names(vars);
    if (unmapped.length > 0) lines.push(`vars of host ${host}: ${unmapped.join(', ')}`);
  }
  return lines;
}

/** A name Lieutenant accepts (letters, digits, `_ . -`, starting alphanumeric), unique among `taken`. */
function safeName(name: string, taken: ReadonlySet<string>): string {
  let safe = name.replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  if (!NAME.test(safe)) safe = `host-${safe}`;
  let unique = safe;
  for (let n = 2; taken.has(unique); n++) unique = `${safe}-${n}`;
  return unique;
}

function mostCommon(values: Array<string | undefined>): string | undefined {
  const counts = new Map<string | undefined, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount) [best, bestCount] = [value, count];
  }
  return best;
}

const text = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : String(value);

/** Ansible's booleans: true/yes/on/1 in any case. */
const truthy = (value: unknown): boolean => value === true || /^(true|yes|on|1)$/i.test(String(value ?? ''));
