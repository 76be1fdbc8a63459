/**
 * An Ansible inventory → what a Lieutenant inventory can say of it.
 *
 * Groups: a Lieutenant host is in exactly one group, so each host goes to the
 * most specific Ansible group listing it — the deepest below `all` through
 * `children`, ties to the group that comes first in the file — or, with
 * `groups`, to the first of those groups holding it (each with its children's
 * hosts, "flattened"). Every other membership, and every parent group that
 * has no Lieutenant counterpart, is listed in the notes.
 *
 * SSH: the settings most hosts share go to the environment's `ssh`, what
 * every host of a group shares beyond that to the group's `ssh`, and what a
 * host has of its own to the host's. Hosts Ansible reaches otherwise than by
 * SSH (`ansible_connection=local`, docker…) are not imported, and listed.
 * Notes name variables, never their values (they may be passwords).
 */
import { ADDRESS, NAME } from '../../spec/names.js';
import { descendantHosts, effectiveVars, groupDepths, hostGroups, type AnsibleInventory } from './ansible-model.js';
import { connectionOf, SSH_FIELDS, sshOf, text, type MappedSsh, type SshField } from './ssh-vars.js';

export type { MappedSsh } from './ssh-vars.js';

export interface MappedHost {
  name: string;
  address: string;
  /** What this host sets beyond its group's and the environment's SSH settings. */
  ssh: MappedSsh;
  notes: string[];
}

export interface MappedGroup {
  name: string;
  /** The Ansible group it comes from. */
  from: string;
  /** What every host of the group shares beyond the environment's. */
  ssh: MappedSsh;
  hosts: MappedHost[];
}

export interface MappedInventory {
  ssh: Required<Pick<MappedSsh, 'user' | 'port' | 'become'>> & Pick<MappedSsh, 'identityFile' | 'proxyJump'>;
  /** Why an environment setting has its value when Ansible does not say. */
  sshNotes: string[];
  groups: MappedGroup[];
  /** Hosts left out, other memberships, dropped groups, variables with no Lieutenant setting: one line each. */
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
  'ansible_connection',
  'ansible_ssh_common_args',
  'ansible_ssh_extra_args',
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
  const vars = effectiveVars(inventory);
  const sshHosts = [...inventory.hosts.keys()].filter((host) => {
    const connection = connectionOf(vars.get(host) ?? {});
    if (connection === undefined) return true;
    notMapped.push(`host ${host}: not imported, ansible_connection=${connection} (Lieutenant reaches hosts over SSH)`);
    return false;
  });
  const assignment = assignHosts(inventory, sshHosts, chosen, notMapped);
  const own = new Map(sshHosts.map((host) => [host, sshOf(vars.get(host) ?? {})]));
  const { ssh, sshNotes } = environmentSsh([...own.values()].map((entry) => entry.ssh));

  const names = new Set<string>();
  const groupNames = new Set<string>();
  const addresses = new Map<string, string>();
  const groups: MappedGroup[] = [];
  for (const [from, hosts] of assignment) {
    const name = safeName(from, groupNames);
    const members: Array<{ host: string; name: string; address: string }> = [];
    for (const host of hosts) {
      const hostVars = vars.get(host) ?? {};
      const address = String(hostVars.ansible_host ?? hostVars.ansible_ssh_host ?? host);
      if (!ADDRESS.test(address) || address.length > 253) {
        notMapped.push(`host ${host}: not imported, its address is not an IP address or DNS name`);
        continue;
      }
      const same = addresses.get(address);
      if (same !== undefined) {
        notMapped.push(`host ${host}: not imported, same address ${address} as ${same} (one address per host)`);
        continue;
      }
      addresses.set(address, host);
      const hostName = safeName(host, names);
      names.add(hostName);
      members.push({ host, name: hostName, address });
    }
    if (members.length === 0) continue;
    groupNames.add(name);
    const groupSsh = sharedBeyond(
      members.map((member) => own.get(member.host)?.ssh ?? {}),
      ssh,
    );
    groups.push({
      name,
      from,
      ssh: groupSsh,
      hosts: members.map((member) => {
        const mine = own.get(member.host) ?? { ssh: {}, notes: [] };
        return {
          name: member.name,
          address: member.address,
          ssh: ownBeyond(mine.ssh, { ...ssh, ...groupSsh }),
          notes: [...(member.name === member.host ? [] : [`Ansible name ${member.host}`]), ...mine.notes],
        };
      }),
    });
  }
  notMapped.push(...unmappedVars(inventory));
  return { ok: true, value: { ssh, sshNotes, groups, notMapped } };
}

/** Lieutenant group (by Ansible group name) → its hosts, in file order of the groups. */
function assignHosts(
  inventory: AnsibleInventory,
  hosts: readonly string[],
  chosen: readonly string[] | undefined,
  notMapped: string[],
): Map<string, string[]> {
  const depth = groupDepths(inventory);
  const order = new Map([...inventory.groups.keys()].map((name, index) => [name, index]));
  const assignment = new Map<string, string[]>();
  const memberships = hostGroups(inventory);
  const direct = new Map<string, string[]>();
  for (const group of inventory.groups.values())
    if (group.name !== 'all')
      for (const host of group.hosts) direct.set(host, [...(direct.get(host) ?? []), group.name]);
  const chosenHosts = chosen?.map((name) => ({ name, hosts: descendantHosts(inventory, name) }));
  for (const host of hosts) {
    const holding = chosenHosts
      ? chosenHosts.filter((candidate) => candidate.hosts.has(host)).map((candidate) => candidate.name)
      : [...(direct.get(host) ?? ['ungrouped'])].sort(
          (a, b) => (depth.get(b) ?? 0) - (depth.get(a) ?? 0) || (order.get(a) ?? 0) - (order.get(b) ?? 0),
        );
    const [first, ...rest] = holding;
    if (first === undefined) {
      notMapped.push(`host ${host}: not imported, in none of the groups chosen (${chosen?.join(', ')})`);
      continue;
    }
    assignment.set(first, [...(assignment.get(first) ?? []), host]);
    const parents = [...(memberships.get(host) ?? [])].filter(
      (name) => name !== 'all' && name !== first && !rest.includes(name) && !(direct.get(host) ?? []).includes(name),
    );
    if (rest.length > 0 || parents.length > 0)
      notMapped.push(
        `host ${host}: in group ${first}; also ${[
          ...(rest.length > 0 ? [`in ${rest.join(', ')}`] : []),
          ...(parents.length > 0 ? [`under ${parents.join(', ')}`] : []),
        ].join(', ')} (a Lieutenant host is in one group)`,
      );
  }
  for (const group of inventory.groups.values()) {
    if (group.name === 'all' || assignment.has(group.name) || group.children.size === 0) continue;
    notMapped.push(
      `group ${group.name}: not a Lieutenant group (groups do not nest); its children: ${[...group.children].join(', ')}`,
    );
  }
  // Groups in file order; Ansible's implicit `ungrouped` last.
  const rank = (name: string) => (name === 'ungrouped' ? Number.MAX_SAFE_INTEGER : (order.get(name) ?? 0));
  return new Map([...assignment].sort(([a], [b]) => rank(a) - rank(b)));
}

/**
 * The environment's settings: per field, the value most hosts have — Ansible's
 * defaults (port 22, no become) counted for hosts that set none, and "not
 * set" counted as a value of its own for the user, the key and jump hosts.
 */
function environmentSsh(hosts: MappedSsh[]): Pick<MappedInventory, 'ssh' | 'sshNotes'> {
  const sshNotes: string[] = [];
  const defaults: MappedSsh = { port: 22, become: 'none' };
  const common = <K extends SshField>(field: K) =>
    mostCommon(hosts.map((ssh) => ssh[field] ?? defaults[field])) as MappedSsh[K];
  const user = common('user');
  if (user === undefined) sshNotes.push('user: root, as Ansible sets no ansible_user (Ansible would log in as you)');
  const identityFile = common('identityFile');
  if (identityFile !== undefined && !identityFile.startsWith('/') && !identityFile.startsWith('~'))
    sshNotes.push('identityFile is read relative to the rollout repo, not to where Ansible ran');
  const proxyJump = common('proxyJump');
  return {
    ssh: {
      user: user ?? 'root',
      port: common('port') ?? 22,
      become: common('become') ?? 'none',
      ...(identityFile === undefined ? {} : { identityFile }),
      ...(proxyJump === undefined ? {} : { proxyJump }),
    },
    sshNotes,
  };
}

/** Per field, the value every host has when it differs from `base`. */
function sharedBeyond(hosts: MappedSsh[], base: MappedSsh): MappedSsh {
  const shared: MappedSsh = {};
  for (const field of SSH_FIELDS) {
    const first = hosts[0]?.[field];
    if (first === undefined || first === base[field]) continue;
    if (hosts.every((ssh) => ssh[field] === first)) Object.assign(shared, { [field]: first });
  }
  return shared;
}

/** What a host has that differs from what it would get anyway. */
function ownBeyond(ssh: MappedSsh, base: MappedSsh): MappedSsh {
  const own: MappedSsh = {};
  for (const field of SSH_FIELDS)
    if (ssh[field] !== undefined && ssh[field] !== base[field]) Object.assign(own, { [field]: ssh[field] });
  return own;
}

/** Variables set in the inventory that no Lieutenant setting takes, by where they are set. */
function unmappedVars(inventory: AnsibleInventory): string[] {
  const lines: string[] = [];
  const names = (vars: Record<string, unknown>) => Object.keys(vars).filter((name) => !MAPPED_VARS.has(name));
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

/** A name Lieutenant accepts (letters, digits, `_ . -`, starting alphanumeric, ≤ 64), unique among `taken`. */
function safeName(name: string, taken: ReadonlySet<string>): string {
  let safe = name
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 56);
  if (!NAME.test(safe)) safe = `host-${safe}`.slice(0, 56);
  let unique = safe;
  for (let n = 2; taken.has(unique); n++) unique = `${safe}-${n}`;
  return unique;
}

function mostCommon<T>(values: Array<T | undefined>): T | undefined {
  const counts = new Map<T | undefined, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: T | undefined;
  let bestCount = 0;
  for (const [value, count] of counts) if (count > bestCount) [best, bestCount] = [value, count];
  return best;
}

export { text };
