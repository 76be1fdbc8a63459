/**
 * The hosts and memberships of an inventory in one comparable shape, from
 * Lieutenant's reading (an `AnsibleInventory`) or from what
 * `ansible-inventory --list` prints: every host, and per group its own hosts
 * and its children, sorted. Groups with neither are left out, as
 * `ansible-inventory` leaves them out. Tests compare the two.
 */
import type { AnsibleInventory } from './ansible-model.js';

export interface ListView {
  hosts: string[];
  groups: Record<string, { hosts: string[]; children: string[] }>;
}

const sorted = (values: Iterable<string>) => [...values].sort();

export function listView(source: AnsibleInventory | unknown): ListView {
  const groups: ListView['groups'] = {};
  const hosts = new Set<string>();
  const add = (name: string, own: Iterable<string>, children: Iterable<string>) => {
    const entry = { hosts: sorted(own), children: sorted(children) };
    entry.hosts.forEach((host) => hosts.add(host));
    if (entry.hosts.length > 0 || entry.children.length > 0) groups[name] = entry;
  };
  if (isModel(source)) {
    for (const group of source.groups.values()) add(group.name, group.hosts, group.children);
    for (const host of source.hosts.keys()) hosts.add(host);
  } else if (typeof source === 'object' && source !== null) {
    for (const [name, body] of Object.entries(source as Record<string, unknown>)) {
      if (name === '_meta' || typeof body !== 'object' || body === null) continue;
      const group = body as { hosts?: string[]; children?: string[] };
      add(name, group.hosts ?? [], group.children ?? []);
    }
    const meta = (source as { _meta?: { hostvars?: Record<string, unknown> } })._meta;
    for (const host of Object.keys(meta?.hostvars ?? {})) hosts.add(host);
  }
  return { hosts: sorted(hosts), groups };
}

function isModel(value: unknown): value is AnsibleInventory {
  return typeof value === 'object' && value !== null && (value as AnsibleInventory).groups instanceof Map;
}
