/**
 * fast-check generators of rollout repos that are nearly right: the
 * examples (docs/rollout-repo.md) with one field changed, one key renamed, or one piece
 * of YAML spliced into the text, plus YAML made of random tokens. The fields
 * come from the zod schema itself (every key it allows at every map of the
 * examples), so a field added to the schema is fuzzed without touching this.
 */
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import type { z } from 'zod';
import { Inventory, Playbook } from '../schema.js';
import { validKeysAt } from '../schema-keys.js';

export type Files = Record<string, string>;
type Path = (string | number)[];

export const PLAYBOOK = 'playbooks/web.yaml';
export const INVENTORY = 'inventories/staging.yaml';

/** Values a careless or hostile user writes where something else belongs. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    '0s',
    '0ms',
    '597h',
    '99999999999999999999h',
    '1 sec',
    '-1s',
    '50%',
    '0%',
    '101%',
    'approve',
    'none',
    '__proto__',
    'constructor',
    '010',
    '1.10',
    '[::1',
    '[::1]',
    '::1',
    'WEB-01.example.com.',
    '999.1.1.1',
    'http://{{host.address}}:99999/',
    'http://{{host.address}}:8080/{{packages.demo}}',
    'tcp://127.0.0.1:70000',
    '{{host.password}}',
    '{{',
    '\u001b[2J',
    'a\nb',
    '',
    ' ',
    'x'.repeat(300),
    null,
    true,
    0,
    -1,
    2 ** 31,
    Number.MAX_SAFE_INTEGER,
    1e308,
    0.5,
    [],
    {},
  ),
  fc.integer({ min: -1_000_000, max: 2_000_000 }),
  fc.tuple(fc.nat({ max: 10 ** 9 }), fc.constantFrom('ms', 's', 'm', 'h')).map(([n, unit]) => `${n}${unit}`),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }),
);

/** Names as keys: number-like, reserved by JavaScript, escapes, too long. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '010',
    '10',
    '1.10',
    '1e3',
    'true',
    'null',
    '~',
    '-',
    '.',
    'a b',
    'web\u001b[31m',
    'w'.repeat(65),
  ),
  fc.string({ maxLength: 10 }),
);

/** YAML-significant tokens; a random sequence of them is the kind of file a broken editor or merge leaves behind. */
const TOKENS = [
  'a',
  'web',
  'rollout',
  'targets',
  'hosts',
  ': ',
  ':',
  '\n',
  '  ',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ', ',
  '&a ',
  '*a',
  '"',
  "'",
  '\n---\n',
  '010',
  '1.10',
  '# ',
  '!!str ',
  '!!binary ',
  '!custom ',
  '? ',
  '|\n',
  '>\n',
  '\t',
  '%YAML 1.2\n---\n',
  '<<: ',
  '~',
  'null',
  '__proto__',
  '597h',
  '\u001b',
  '\uFEFF',
  '\\',
];
export const randomYaml: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...TOKENS), { maxLength: 40 })
  .map((tokens) => tokens.join(''));

/** The examples with every default filled in, so every field the schema has is present to be changed. */
export function exampleSpecs(files: Files): { playbook: unknown; inventory: unknown } {
  return {
    playbook: Playbook.parse(parse(files[PLAYBOOK] ?? '')),
    inventory: Inventory.parse(parse(files[INVENTORY] ?? '')),
  };
}

/** Every map and value of `value`, and every key the schema allows at each map (present or not). */
export function fieldPaths(value: unknown, schema: z.ZodType, path: Path = []): Path[] {
  if (Array.isArray(value))
    return [path, ...value.flatMap((item, index) => fieldPaths(item, schema, [...path, index]))];
  if (value === null || typeof value !== 'object') return [path];
  const present = Object.keys(value);
  const allowed = validKeysAt(schema, path).filter((key) => !present.includes(key));
  return [
    path,
    ...allowed.map((key) => [...path, key]),
    ...present.flatMap((key) => fieldPaths((value as Record<string, unknown>)[key], schema, [...path, key])),
  ];
}

type Mutation =
  | { kind: 'set'; path: Path; value: unknown }
  | { kind: 'rename'; path: Path; key: string }
  | { kind: 'delete'; path: Path };

function mutation(paths: Path[]): fc.Arbitrary<Mutation> {
  const path = fc.constantFrom(...paths);
  return fc.oneof(
    fc.record({ kind: fc.constant('set' as const), path, value: hostileValue }),
    fc.record({ kind: fc.constant('rename' as const), path, key: hostileKey }),
    fc.record({ kind: fc.constant('delete' as const), path }),
  );
}

/** A copy of `root` with one mutation applied (unchanged when the path has no parent map or list). */
export function applyMutation(root: unknown, change: Mutation): unknown {
  const copy = structuredClone(root);
  if (change.path.length === 0) return change.kind === 'set' ? change.value : copy;
  let parent: unknown = copy;
  for (const segment of change.path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[segment];
  if (parent === null || typeof parent !== 'object') return copy;
  const last = change.path[change.path.length - 1] as string | number;
  const container = parent as Record<string | number, unknown>;
  if (change.kind === 'set') container[last] = change.value;
  else if (change.kind === 'delete') delete container[last];
  else if (!Array.isArray(parent) && Object.hasOwn(container, last)) {
    // Rebuilt in order, so the renamed key stays where it was; defineProperty keeps "__proto__" a plain key.
    const entries = Object.entries(container);
    for (const [key] of entries) delete container[key];
    for (const [key, value] of entries)
      Object.defineProperty(container, key === last ? change.key : key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return copy;
}

/** The examples with one field of one file changed, written back as YAML. */
export function mutatedRepo(files: Files): fc.Arbitrary<Files> {
  const { playbook, inventory } = exampleSpecs(files);
  const targets = [
    { file: PLAYBOOK, spec: playbook, paths: fieldPaths(playbook, Playbook) },
    { file: INVENTORY, spec: inventory, paths: fieldPaths(inventory, Inventory) },
  ];
  return fc
    .constantFrom(...targets)
    .chain((target) => mutation(target.paths).map((change) => ({ target, change })))
    .map(({ target, change }) => ({
      ...files,
      [PLAYBOOK]: stringify(playbook),
      [INVENTORY]: stringify(inventory),
      [target.file]: stringify(applyMutation(target.spec, change)),
    }));
}

/** The examples' text with a piece of random YAML spliced in somewhere. */
export function splicedRepo(files: Files): fc.Arbitrary<Files> {
  return fc
    .tuple(fc.constantFrom(PLAYBOOK, INVENTORY), fc.nat(), fc.nat({ max: 20 }), randomYaml)
    .map(([file, at, cut, piece]) => {
      const text = files[file] ?? '';
      const offset = at % (text.length + 1);
      return { ...files, [file]: text.slice(0, offset) + piece + text.slice(offset + cut) };
    });
}

/** One file replaced by random YAML. */
export function randomRepo(files: Files): fc.Arbitrary<Files> {
  return fc.tuple(fc.constantFrom(PLAYBOOK, INVENTORY), randomYaml).map(([file, text]) => ({ ...files, [file]: text }));
}
