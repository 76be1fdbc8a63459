/**
 * An Ansible inventory as its three formats (INI, YAML, the JSON of
 * `ansible-inventory --list`) all describe it: groups with hosts, child
 * groups and vars, and per-host vars. The parsers fill it; `reconcile` then
 * applies Ansible's own rules (a host in no group is in `ungrouped`, a host
 * in another group is not); the mapping to a Lieutenant inventory reads it.
 * Values stay as written (INI gives strings). Sets keep insertion order and
 * make every membership test constant-time; nothing recurses on the depth
 * of `children`, however deep a file nests them.
 */

export type AnsibleVars = Record<string, unknown>;

export interface AnsibleGroup {
  name: string;
  /** Hosts listed in the group itself, in file order. */
  hosts: Set<string>;
  children: Set<string>;
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
    group = { name, hosts: new Set(), children: new Set(), vars: Object.create(null) as AnsibleVars };
    inventory.groups.set(name, group);
  }
  return group;
}

export function addHost(inventory: AnsibleInventory, groupName: string, host: string, vars: AnsibleVars = {}): void {
  groupOf(inventory, groupName).hosts.add(host);
  const known = inventory.hosts.get(host);
  if (known) Object.assign(known, vars);
  else inventory.hosts.set(host, Object.assign(Object.create(null) as AnsibleVars, vars));
}

export function addChild(inventory: AnsibleInventory, parent: string, child: string): void {
  const group = groupOf(inventory, parent);
  groupOf(inventory, child);
  group.children.add(child);
}

/**
 * Ansible's last step after parsing: `all` and `ungrouped` exist, a host in
 * no group but `all` is in `ungrouped`, a host in another group is not, and
 * `all`'s children are the groups without a parent. A cycle of `children`
 * is refused, as Ansible refuses it.
 */
export function reconcile(inventory: AnsibleInventory): InventoryProblem[] {
  const all = groupOf(inventory, 'all');
  const ungrouped = groupOf(inventory, 'ungrouped');
  const cycle = findCycle(inventory);
  if (cycle) return [{ message: `the children of groups form a loop: ${cycle.join(' → ')}; Ansible refuses it too` }];
  const grouped = new Set<string>();
  for (const group of inventory.groups.values())
    if (group !== all && group !== ungrouped) for (const host of group.hosts) grouped.add(host);
  for (const host of [...all.hosts, ...ungrouped.hosts]) if (grouped.has(host)) ungrouped.hosts.delete(host);
  for (const host of inventory.hosts.keys()) if (!grouped.has(host)) ungrouped.hosts.add(host);
  all.hosts.clear();
  const hasParent = new Set<string>();
  for (const group of inventory.groups.values())
    if (group !== all) for (const child of group.children) hasParent.add(child);
  for (const name of inventory.groups.keys()) if (name !== 'all' && !hasParent.has(name)) all.children.add(name);
  return [];
}

/** A loop in `children`, as the names along it, or undefined. Iterative depth-first search. */
function findCycle(inventory: AnsibleInventory): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  for (const root of inventory.groups.keys()) {
    if (state.has(root) || root === 'all') continue;
    const path: string[] = [root];
    const stack: Array<Iterator<string>> = [(inventory.groups.get(root)?.children ?? new Set<string>()).values()];
    state.set(root, 'open');
    while (stack.length > 0) {
      const next = stack[stack.length - 1]?.next();
      if (!next || next.done) {
        state.set(path.pop() ?? '', 'done');
        stack.pop();
        continue;
      }
      const child = next.value;
      if (child === 'all') continue;
      if (state.get(child) === 'open') return [...path.slice(path.indexOf(child)), child];
      if (state.has(child)) continue;
      state.set(child, 'open');
      path.push(child);
      stack.push((inventory.groups.get(child)?.children ?? new Set<string>()).values());
    }
  }
  return undefined;
}

/** Each group's parents, `all` left out. */
export function parentsOf(inventory: AnsibleInventory): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const group of inventory.groups.values()) {
    if (group.name === 'all') continue;
    for (const child of group.children) {
      const list = parents.get(child);
      if (list) list.push(group.name);
      else parents.set(child, [group.name]);
    }
  }
  return parents;
}

/**
 * A group's depth below `all` (0): 1 for top-level groups, one more per
 * level of `children` (the longest way down). Kahn's order over the
 * reconciled, loop-free graph: each edge is looked at once.
 */
export function groupDepths(inventory: AnsibleInventory): Map<string, number> {
  const parents = parentsOf(inventory);
  const waiting = new Map<string, number>();
  const depths = new Map<string, number>([['all', 0]]);
  const ready: string[] = [];
  for (const name of inventory.groups.keys()) {
    if (name === 'all') continue;
    const count = parents.get(name)?.length ?? 0;
    waiting.set(name, count);
    if (count === 0) {
      depths.set(name, 1);
      ready.push(name);
    }
  }
  while (ready.length > 0) {
    const name = ready.pop() ?? '';
    const depth = depths.get(name) ?? 1;
    for (const child of inventory.groups.get(name)?.children ?? []) {
      if (child === 'all') continue;
      depths.set(child, Math.max(depths.get(child) ?? 0, depth + 1));
      const left = (waiting.get(child) ?? 1) - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  return depths;
}

/** Every group a host is in, directly or as a descendant (`all` included), by walking up from its own groups. */
export function hostGroups(inventory: AnsibleInventory): Map<string, Set<string>> {
  const parents = parentsOf(inventory);
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (start: string): Set<string> => {
    const known = ancestors.get(start);
    if (known) return known;
    const found = new Set<string>([start]);
    const queue = [start];
    for (let i = 0; i < queue.length; i++)
      for (const parent of parents.get(queue[i] ?? '') ?? [])
        if (!found.has(parent)) {
          found.add(parent);
          queue.push(parent);
        }
    ancestors.set(start, found);
    return found;
  };
  const result = new Map<string, Set<string>>();
  for (const host of inventory.hosts.keys()) result.set(host, new Set(['all']));
  for (const group of inventory.groups.values()) {
    if (group.name === 'all') continue;
    const up = ancestorsOf(group.name);
    for (const host of group.hosts) for (const name of up) result.get(host)?.add(name);
  }
  return result;
}

/**
 * Each host's vars as Ansible resolves them: `all` first, then its groups by
 * depth, parents before children (alphabetically at the same depth); the
 * host's own vars win last.
 */
export function effectiveVars(inventory: AnsibleInventory): Map<string, AnsibleVars> {
  const depth = groupDepths(inventory);
  const memberships = hostGroups(inventory);
  const result = new Map<string, AnsibleVars>();
  for (const [host, own] of inventory.hosts) {
    const groups = [...(memberships.get(host) ?? [])].sort(
      (a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0),
    );
    const vars = Object.create(null) as AnsibleVars;
    for (const name of groups) Object.assign(vars, inventory.groups.get(name)?.vars);
    result.set(host, Object.assign(vars, own));
  }
  return result;
}

/** Every host of the group and of its children, at any depth ("children flattened"), in file order. */
export function descendantHosts(inventory: AnsibleInventory, name: string): Set<string> {
  if (name === 'all') return new Set(inventory.hosts.keys());
  const hosts = new Set<string>();
  const seen = new Set<string>([name]);
  const queue = [name];
  for (let i = 0; i < queue.length; i++) {
    const group = inventory.groups.get(queue[i] ?? '');
    if (!group) continue;
    for (const host of group.hosts) hosts.add(host);
    for (const child of group.children)
      if (!seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
  }
  return hosts;
}
