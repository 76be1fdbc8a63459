/**
 * Ansible's YAML inventory (`all: {hosts, vars, children}`, nested) and the
 * JSON that `ansible-inventory --list` prints (`_meta.hostvars`, groups with
 * lists of `hosts` and `children`; with `--export`, group `vars` too). JSON is
 * YAML, so one reader parses both and the shape tells them apart.
 */
import { parse } from 'yaml';
import { ok, type Result } from '../../core/result.js';
import {
  addChild,
  addHost,
  emptyInventory,
  groupOf,
  reconcile,
  type AnsibleInventory,
  type AnsibleVars,
  type InventoryProblem,
} from './ansible-model.js';
import { expandHostPattern } from './host-ranges.js';

type Parsed = Result<AnsibleInventory, InventoryProblem[]>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Which structured format `value` (a parsed document) is, if any. */
export function structuredFormat(value: unknown): 'yaml' | 'json-list' | undefined {
  if (!isRecord(value)) return undefined;
  const groups = Object.entries(value);
  if (groups.length === 0) return undefined;
  if ('_meta' in value || groups.some(([, group]) => isRecord(group) && Array.isArray(group.hosts))) return 'json-list';
  return groups.every(([, group]) => group === null || isRecord(group)) ? 'yaml' : undefined;
}

export function parseStructuredText(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

export function parseYamlInventory(document: Record<string, unknown>): Parsed {
  const inventory = emptyInventory();
  const problems: InventoryProblem[] = [];
  // Breadth first with a queue: a file nesting children a thousand deep is read without recursion.
  const queue: Array<{ name: string; body: unknown; path: string; parent?: string }> = Object.entries(document).map(
    ([name, body]) => ({ name, body, path: name }),
  );
  for (let i = 0; i < queue.length; i++) {
    const { name, body, path, parent } = queue[i] ?? { name: '', body: null, path: '' };
    const group = groupOf(inventory, name);
    // Under `all` too: Ansible lists a group declared there among all's children even when it has another parent.
    if (parent !== undefined) addChild(inventory, parent, name);
    if (body === null || body === undefined) continue;
    if (!isRecord(body)) {
      problems.push({ message: `${path}: a group is a map of hosts, vars and children` });
      continue;
    }
    for (const key of Object.keys(body))
      if (!['hosts', 'vars', 'children'].includes(key))
        problems.push({ message: `${path}.${key}: a group has hosts, vars and children only` });
    if (isRecord(body.vars)) Object.assign(group.vars, body.vars);
    else if (body.vars !== undefined && body.vars !== null)
      problems.push({ message: `${path}.vars: a map of variables` });
    if (isRecord(body.hosts)) {
      for (const [pattern, vars] of Object.entries(body.hosts)) {
        const hosts = expandHostPattern(pattern);
        if (!hosts.ok) problems.push({ message: `${path}.hosts: ${hosts.reason}` });
        else for (const host of hosts.hosts) addHost(inventory, name, host, isRecord(vars) ? vars : {});
      }
    } else if (body.hosts !== undefined && body.hosts !== null)
      problems.push({ message: `${path}.hosts: a map of host names (each with its vars, or empty)` });
    if (isRecord(body.children)) {
      for (const [child, childBody] of Object.entries(body.children))
        queue.push({ name: child, body: childBody, path: `${path}.children.${child}`, parent: name });
    } else if (body.children !== undefined && body.children !== null)
      problems.push({ message: `${path}.children: a map of group names` });
  }
  problems.push(...reconcile(inventory));
  return problems.length > 0 ? { ok: false, error: problems } : ok(inventory);
}

export function parseJsonListInventory(document: Record<string, unknown>): Parsed {
  const inventory = emptyInventory();
  const problems: InventoryProblem[] = [];
  const meta = isRecord(document._meta) ? document._meta : {};
  const hostVars = isRecord(meta.hostvars) ? meta.hostvars : {};
  for (const [name, body] of Object.entries(document)) {
    if (name === '_meta') continue;
    const group = groupOf(inventory, name);
    if (!isRecord(body)) {
      problems.push({ message: `${name}: a group is an object with hosts, children and vars` });
      continue;
    }
    if (isRecord(body.vars)) Object.assign(group.vars, body.vars);
    for (const child of strings(body.children)) addChild(inventory, name, child);
    for (const host of strings(body.hosts)) {
      const vars = hostVars[host];
      addHost(inventory, name, host, isRecord(vars) ? (vars as AnsibleVars) : {});
    }
  }
  problems.push(...reconcile(inventory));
  return problems.length > 0 ? { ok: false, error: problems } : ok(inventory);
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
