/**
 * An Ansible inventory as its three formats (INI, YAML, the JSON of
 * `ansible-inventory --list`) all describe it: groups with hosts, child
 * groups and vars, and per-host vars. The parsers fill it; the mapping to a
 * Lieutenant inventory reads it. Values stay as written (INI gives strings).
 */

export type AnsibleVars = Record<string, unknown>;

export interface AnsibleGroup {
  name: string;
  /** Hosts listed in the group itself, in file order. */
  hosts: string[];
  children: string[];
  vars: AnsibleVars;
}

export interface AnsibleInventory {
  /** In the order they first appear. */
  groups: Map<string, AnsibleGroup>;
  /** Every host, in the order it first appears, with the vars set on it. */
  hosts: Map<string, AnsibleVars>;
}

/** A problem in the inventory file, with its line when the format has lines to name. */
export interface InventoryProblem {
  line?: number;
  message: string;
}

export function emptyInventory(): AnsibleInventory {
  return { groups: new Map(), hosts: new Map() };
}

export function groupOf(inventory: AnsibleInventory, name: string): AnsibleGroup {
  let group = inventory.groups.get(name);
  if (!group) {
    group = { name, hosts: [], children: [], vars: {} };
    inventory.groups.set(name, group);
  }
  return group;
}

export function addHost(inventory: AnsibleInventory, groupName: string, host: string, vars: AnsibleVars = {}): void {
  const group = groupOf(inventory, groupName);
  if (!group.hosts.includes(host)) group.hosts.push(host);
  inventory.hosts.set(host, { ...inventory.hosts.get(host), ...vars });
}

export function addChild(inventory: AnsibleInventory, parent: string, child: string): void {
  const group = groupOf(inventory, parent);
  groupOf(inventory, child);
  if (!group.children.includes(child)) group.children.push(child);
}

/**
 * Ansible's host patterns: `web[01:03].example.com` is web01…web03 (leading
 * zeros kept), `db-[a:c]` is db-a…db-c, `[1:9:2]` takes every second.
 * Undefined when the range is malformed.
 */
export function expandHostPattern(pattern: string): string[] | undefined {
  const match = /^(.*?)\[([^\]:]+):([^\]:]+)(?::(\d+))?\](.*)$/.exec(pattern);
  if (!match) return pattern.includes('[') || pattern.includes(']') ? undefined : [pattern];
  const [, head = '', from = '', to = '', stride = '1', tail = ''] = match;
  const step = Number(stride);
  if (step < 1) return undefined;
  const rests = expandHostPattern(tail);
  if (!rests) return undefined;
  let items: string[];
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const width = from.startsWith('0') ? from.length : 0;
    items = [];
    for (let n = Number(from); n <= Number(to); n += step) items.push(String(n).padStart(width, '0'));
  } else if (/^[a-z]$/i.test(from) && /^[a-z]$/i.test(to)) {
    items = [];
    for (let code = from.charCodeAt(0); code <= to.charCodeAt(0); code += step) items.push(String.fromCharCode(code));
  } else return undefined;
  if (items.length === 0) return undefined;
  return items.flatMap((item) => rests.map((rest) => `${head}${item}${rest}`));
}

/**
 * The groups a host belongs to, directly or through `children`, ordered as
 * Ansible applies their vars: `all` first, then by depth, parents before
 * children (alphabetically at the same depth); the host's own vars win last.
 */
export function effectiveVars(inventory: AnsibleInventory, host: string): AnsibleVars {
  const depth = groupDepths(inventory);
  const containing = [...inventory.groups.values()].filter(
    (group) => group.name === 'all' || descendantHosts(inventory, group.name).has(host),
  );
  containing.sort(
    (a, b) => (depth.get(a.name) ?? 0) - (depth.get(b.name) ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  return Object.assign({}, ...containing.map((group) => group.vars), inventory.hosts.get(host) ?? {}) as AnsibleVars;
}

/** Every host of the group and of its children, recursively ("children flattened"), in file order. */
export function descendantHosts(inventory: AnsibleInventory, name: string, seen = new Set<string>()): Set<string> {
  const hosts = new Set<string>();
  if (seen.has(name)) return hosts; // a cycle of children: Ansible refuses it; here it just ends
  seen.add(name);
  const group = inventory.groups.get(name);
  if (!group) return hosts;
  if (name === 'all') return new Set(inventory.hosts.keys());
  for (const host of group.hosts) hosts.add(host);
  for (const child of group.children) for (const host of descendantHosts(inventory, child, seen)) hosts.add(host);
  return hosts;
}

/** A group's depth below `all` (0): 1 for top-level groups, one more per level of `children`. */
export function groupDepths(inventory: AnsibleInventory): Map<string, number> {
  const parents = new Map<string, string[]>();
  for (const group of inventory.groups.values())
    for (const child of group.children) parents.set(child, [...(parents.get(child) ?? []), group.name]);
  const depths = new Map<string, number>([['all', 0]]);
  const depthOf = (name: string, seen: Set<string>): number => {
    const known = depths.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return 1;
    seen.add(name);
    const above = (parents.get(name) ?? []).filter((parent) => parent !== 'all');
    const depth = above.length === 0 ? 1 : Math.max(...above.map((parent) => depthOf(parent, seen))) + 1;
    depths.set(name, depth);
    return depth;
  };
  for (const name of inventory.groups.keys()) depthOf(name, new Set());
  return depths;
}
