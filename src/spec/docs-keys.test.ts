/**
 * The key tables of docs/rollout-repo.md against the zod schema, the one
 * description of the format: every key documented and no other, each with
 * the schema's default (or "required", or "—" when it has none), its enum
 * words and its numeric bounds.
 */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { markedTable, readDoc } from '../testing/docs-markdown.js';
import { Inventory, Playbook } from './schema.js';

const PAGE = 'rollout-repo.md';
const page = await readDoc(PAGE);

/** How the page names an entry of a map keyed by the user: `groups.<group>`. */
const ENTRY: Record<string, string> = {
  loadBalancers: '<lb>',
  groups: '<group>',
  hosts: '<host>',
  targets: '<group>',
  packages: '<package>',
};

interface SchemaKey {
  path: string;
  required: boolean;
  default: unknown;
  /** Words the value may be: enum options, literals (also inside a union). */
  words: string[];
  min?: number;
  max?: number;
}

/** Every key of every map the schema defines, depth first, `$schema` aside. */
function schemaKeys(schema: z.ZodType, prefix = ''): SchemaKey[] {
  const object = unwrap(schema);
  if (!(object instanceof z.ZodObject)) return [];
  return Object.entries(object.shape as Record<string, z.ZodType>).flatMap(([key, child]) => {
    if (key === '$schema') return [];
    const path = `${prefix}${key}`;
    const inner = unwrap(child);
    const number = inner instanceof z.ZodNumber ? inner : undefined;
    const own: SchemaKey = {
      path,
      required: !(child instanceof z.ZodOptional || child instanceof z.ZodDefault),
      default: child instanceof z.ZodDefault ? (child.def.defaultValue as unknown) : undefined,
      words: wordsOf(inner),
      ...(number?.minValue != null && Math.abs(number.minValue) < Number.MAX_SAFE_INTEGER
        ? { min: number.minValue }
        : {}),
      ...(number?.maxValue != null && number.maxValue < Number.MAX_SAFE_INTEGER ? { max: number.maxValue } : {}),
    };
    return [own, ...childKeys(inner, path, key)];
  });
}

function childKeys(inner: z.ZodType, path: string, key: string): SchemaKey[] {
  if (inner instanceof z.ZodObject) return schemaKeys(inner, `${path}.`);
  if (inner instanceof z.ZodRecord)
    return schemaKeys(inner.valueType as z.ZodType, `${path}.${ENTRY[key] ?? '<name>'}.`);
  if (inner instanceof z.ZodArray) return schemaKeys(inner.element as z.ZodType, `${path}[].`);
  return [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional || schema instanceof z.ZodDefault
    ? unwrap(schema.def.innerType as z.ZodType)
    : schema;
}

function wordsOf(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodEnum) return schema.options.map(String);
  if (schema instanceof z.ZodLiteral) return [...schema.values].map(String);
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap((option) => wordsOf(unwrap(option)));
  return [];
}

/** A table's rows by key, the key cell's backticks removed, prefixed to a full path. */
function documented(args: string[], prefix = ''): Map<string, { type: string; default: string }> {
  const rows = markedTable(page, 'keys', args, PAGE).rows;
  return new Map(
    rows.map(([key = '', type = '', byDefault = '']) => [
      `${prefix}${key.replace(/`/g, '')}`,
      { type, default: byDefault },
    ]),
  );
}

const HEALTH = 'groups.<group>.health[].';
const NOTIFICATIONS = 'notifications[].';
const METRICS = 'analysis.metrics[].';
const tables = [
  {
    name: 'inventory',
    keys: schemaKeys(Inventory),
    rows: new Map([
      ...documented(['inventory']),
      ...documented(['inventory', 'groups.<group>.health[]'], HEALTH),
      // A group's and a host's `ssh` take the same keys: one table documents both.
      ...documented(['inventory', 'ssh-overrides'], 'groups.<group>.ssh.'),
      ...documented(['inventory', 'ssh-overrides'], 'groups.<group>.hosts.<host>.ssh.'),
      ...documented(['inventory', 'freeze[]'], 'freeze[].'),
      ...documented(['inventory', 'notifications[]'], NOTIFICATIONS),
    ]),
  },
  {
    name: 'playbook',
    keys: schemaKeys(Playbook),
    rows: new Map([
      ...documented(['playbook']),
      ...documented(['playbook', 'analysis.metrics[]'], METRICS),
      ...documented(['playbook', 'targets.<group>.steps'], 'targets.<group>.steps.'),
      ...documented(['playbook', 'steps'], 'steps.'),
    ]),
  },
];

/** How a default reads in the table: `22`, `root`, `["100%"]`, `{}`. */
function written(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

describe(`the key tables of docs/${PAGE}`, () => {
  it.each(tables)('$name: every key of the schema has a row, and every row is a key', ({ keys, rows }) => {
    expect([...rows.keys()].sort()).toEqual(keys.map((key) => key.path).sort());
  });

  it.each(tables)('$name: defaults, required keys, words and bounds are the schema’s', ({ keys, rows }) => {
    for (const key of keys) {
      const row = rows.get(key.path);
      if (!row) continue; // reported by the test above
      const cell = row.default;
      if (key.required) expect(cell, key.path).toBe('required');
      else if (key.default === undefined) expect(cell, `${key.path} has no schema default`).not.toMatch(/^required$|`/);
      else if (isFilledObject(key.default)) expect(cell, key.path).toBe('(see below)');
      else expect(cell, key.path).toBe(`\`${written(key.default)}\``);
      for (const word of key.words) expect(row.type, key.path).toContain(`\`${word}\``);
      if (key.min !== undefined && key.max !== undefined) expect(row.type, key.path).toContain(`${key.min}–${key.max}`);
      else if (key.min !== undefined) expect(row.type, key.path).toContain(`≥ ${key.min}`);
    }
  });
});

function isFilledObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
}
