/**
 * The fast path for long blocks of one-line entries must never change what a
 * file means: for any text, reading it with the fast path taken wherever it
 * can be (blocks of one entry and more) and with the library alone gives the
 * same data, the same errors, and the same positions and source text for
 * every entry, field and key around it. The generator writes what inventories
 * hold, and the near misses: YAML 1.2 values that are not strings (`true`,
 * `1.5`, `0x1f`, `~`), quotes, escapes, commas in quotes, comments, odd
 * indents, duplicates, a block scalar that only looks like a block, anchors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findFlatBlocks } from './yaml-flat-block.js';
import { parseYaml, type PathSegment } from './yaml-source.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** What inventories hold: read by the fast path. */
const usual = fc.constantFrom('10.0.0.1', 'web-01.example.org', 'db_2', '2222', '010', '0', '1_000', 'a/b', 'x-y.z');
const usualQuoted = fc.constantFrom('"10.0.0.2"', "'::1'", '""', '"}"');
/** Near misses: YAML reads them as other than text, or they need the library. */
const unusual = fc.constantFrom(
  'true',
  'False',
  'null',
  '~',
  '1.5',
  '1e5',
  '0x1f',
  '0o17',
  '.inf',
  '.nan',
  '1.',
  '"a,b"',
  '"a\\tb"',
  "'it''s'",
  '"x # y"',
  '"tab\there"',
  "'café'",
);
const value = fc.oneof(
  { weight: 12, arbitrary: usual },
  { weight: 3, arbitrary: usualQuoted },
  { weight: 1, arbitrary: unusual },
);
const fieldName = fc.constantFrom('address', 'port', 'user', 'keyFile');
/** Mostly names of their own (`web-<line>`), now and then one that is special or taken. */
const hostName = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom('web-01', '010', '1.10', 'true', '__proto__', 'x.y') },
);

const entry = fc.record({
  name: hostName,
  fields: fc.oneof(
    { weight: 9, arbitrary: fc.uniqueArray(fc.tuple(fieldName, value), { maxLength: 3, selector: ([key]) => key }) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fieldName, value), { maxLength: 3 }) },
  ),
  comment: fc.constantFrom('', ' # rack 4', '  #x'),
  spacing: fc.constantFrom('{ ', '{'),
  indent: fc.constantFrom(6, 6, 6, 6, 6, 6, 6, 6, 8, 4),
});
type Entry = typeof entry extends fc.Arbitrary<infer T> ? T : never;

function entryLine(e: Entry, index: number): string {
  const inside = e.fields.map(([k, v]) => `${k}: ${v}`).join(', ');
  const close = e.spacing === '{ ' ? ' }' : '}';
  return `${' '.repeat(e.indent)}${e.name ?? `web-${index}`}: ${e.spacing}${inside}${close}${e.comment}`;
}

const owner = fc.constantFrom(
  '    hosts:',
  '    hosts:',
  '    hosts:',
  '    hosts: # the fleet',
  '    hosts: &all',
  '    hosts: |',
  '    hosts: !!map',
  '    hosts:  ',
);
const between = fc.constantFrom('', '      # a comment', '   ');
const after = fc.constantFrom('', '    packageManager: apt', '  db:\n    hosts:\n      db-01: { address: 10.0.9.1 }');
const before = fc.constantFrom('', '', '', '%YAML 1.2\n---\n', '# inventory\n');

const document = fc
  .record({
    before,
    owner,
    lines: fc.array(fc.oneof({ weight: 6, arbitrary: entry }, { weight: 1, arbitrary: between }), {
      minLength: 1,
      maxLength: 12,
    }),
    after,
    alias: fc.boolean(),
  })
  .map(({ before, owner, lines, after, alias }) =>
    [
      `${before}environment: staging`,
      'groups:',
      '  web:',
      owner,
      ...lines.map((line, index) => (typeof line === 'string' ? line : entryLine(line, index))),
      after,
      alias ? '  copy: *all' : '',
      '',
    ].join('\n'),
  );

/** Every path a reader might ask about: each entry, each field, the owner, and beyond. */
function pathsOf(value: unknown): PathSegment[][] {
  const hosts = (value as { groups?: { web?: { hosts?: unknown } } } | undefined)?.groups?.web?.hosts;
  const paths: PathSegment[][] = [['groups', 'web', 'hosts'], ['groups', 'web', 'hosts', 'nobody'], ['environment']];
  if (hosts && typeof hosts === 'object')
    for (const [name, fields] of Object.entries(hosts)) {
      paths.push(['groups', 'web', 'hosts', name], ['groups', 'web', 'hosts', name, 'missing']);
      if (fields && typeof fields === 'object')
        for (const field of Object.keys(fields)) paths.push(['groups', 'web', 'hosts', name, field]);
    }
  return paths;
}

function reading(text: string, minLines: number) {
  const file = parseYaml('inventories/staging.yaml', text, minLines);
  const paths = pathsOf(file.value);
  return {
    value: file.value,
    errors: file.errors,
    places: paths.map((path) => ({
      path,
      key: file.at(path, 'key'),
      value: file.at(path, 'value'),
      source: file.sourceOf(path),
      within: file.within(path, '.'),
    })),
  };
}

describe('the fast path for blocks of one-line entries', () => {
  it(
    'given any document, then the fast path and the library read the same data, errors, positions and source',
    () => {
      let taken = 0;
      fc.assert(
        fc.property(document, (text) => {
          if (findFlatBlocks(text, 1).blocks.length > 0) taken++;
          expect(reading(text, 1)).toEqual(reading(text, Infinity));
        }),
        { numRuns: RUNS },
      );
      // The generator's near misses must not crowd out the documents the fast path reads.
      expect(taken / RUNS).toBeGreaterThan(0.35);
    },
    Math.max(30_000, RUNS * 20),
  );

  it('given the shapes inventories are written in, then the fast path is taken (so the property above tests it)', () => {
    const text = [
      'environment: staging',
      'groups:',
      '  web:',
      '    hosts:',
      '      web-01: { address: 10.0.0.1, port: 2222 }',
      '      # rack 2',
      '      010: { address: "10.0.0.2" } # kept as "010"',
      '    packageManager: apt',
      '',
    ].join('\n');
    const { blocks } = findFlatBlocks(text, 1);
    expect(blocks.map((block) => [...block.entries.keys()])).toEqual([['web-01', '010']]);
    const file = parseYaml('inventories/staging.yaml', text, 1);
    expect(file.value).toEqual({
      environment: 'staging',
      groups: {
        web: {
          hosts: { 'web-01': { address: '10.0.0.1', port: 2222 }, '010': { address: '10.0.0.2' } },
          packageManager: 'apt',
        },
      },
    });
    expect(file.at(['groups', 'web', 'hosts', 'web-01', 'port'])).toEqual({ line: 5, col: 42 });
  });

  it.each([
    ['a value YAML reads as a boolean', '      web-01: { address: true }'],
    ['a float', '      web-01: { address: 1.5 }'],
    ['an escape in quotes', '      web-01: { address: "a\\tb" }'],
    ['a second entry of the same name', '      web-01: { address: a }\n      web-01: { address: b }'],
  ])('given %s, then no block is taken and the library reads the file', (_, lines) => {
    const text = `groups:\n  web:\n    hosts:\n${lines}\n      web-09: { address: c }\n`;
    expect(findFlatBlocks(text, 1).blocks).toEqual([]);
  });
});
