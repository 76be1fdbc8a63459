/**
 * How `parseYaml` uses the flat blocks `findFlatBlocks` read (see there):
 * with their lines emptied out of the text the library reads, find the key that owns
 * each block in what it made of the rest, put the entries in the plain data,
 * and answer positions inside a block from the offsets the block kept.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, ParsedNode } from 'yaml';
import type { FlatBlock } from './yaml-flat-block.js';
import { keyName } from './yaml-limits.js';

type PathSegment = string | number | symbol;

export interface PlacedBlock {
  /** Path of the owning key in the plain data, e.g. groups/web/hosts. */
  path: string[];
  block: FlatBlock;
}

/**
 * Where each block belongs, or undefined when one is not what it looked like:
 * its key is not a mapping key with nothing after it (a line in a block
 * scalar, say), or sits under an anchor that an alias would copy.
 */
export function placeBlocks(
  document: Document.Parsed<ParsedNode>,
  blocks: readonly FlatBlock[],
  position: (offset: number) => { line: number; col: number },
): PlacedBlock[] | undefined {
  const owners = new Map(blocks.map((block) => [`${block.ownerLine + 1}:${block.ownerCol + 1}`, block]));
  const ownerAt = (key: Node | null) => {
    if (!key?.range) return undefined;
    const { line, col } = position(key.range[0]);
    return owners.get(`${line}:${col}`);
  };
  const placed: PlacedBlock[] = [];
  const visit = (node: Node | null, path: string[], anchored: boolean): void => {
    if (node === null) return;
    const under = anchored || Boolean(node.anchor);
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const name = keyName(key);
        const block = ownerAt(key);
        if (block && name === block.ownerKey && !under && isEmpty(pair.value as Node | null)) {
          placed.push({ path: [...path, name], block });
        }
        if (name !== undefined) visit(pair.value as Node | null, [...path, name], under);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item as Node | null, [...path, String(index)], under));
    }
  };
  visit(document.contents, [], false);
  return placed.length === blocks.length ? placed : undefined;
}

function isEmpty(value: Node | null): boolean {
  return value === null || (isScalar(value) && value.value === null && value.source === '' && !value.tag);
}

/** The plain data with each block's entries at its key. */
export function withBlocks(value: unknown, placed: readonly PlacedBlock[]): unknown {
  for (const { path, block } of placed) {
    let parent = value as Record<string, unknown>;
    for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string, unknown>;
    parent[path.at(-1) ?? ''] = block.value;
  }
  return value;
}

/** A place inside a block: `text` from the start of 0-based `line`, the place is `from`–`to` in it. */
export interface FlatSpan {
  line: number;
  from: number;
  to: number;
  text: string;
  /** The path names this very key or value (not just the nearest part of the block). */
  exact: boolean;
}

/** Where the key or value at `path` is when the path leads into a block, else undefined. */
export function flatSpan(
  placed: readonly PlacedBlock[],
  path: readonly PathSegment[],
  part: 'key' | 'value',
): FlatSpan | undefined {
  const found = placed.find(
    ({ path: owner }) => path.length >= owner.length && owner.every((segment, i) => segment === String(path[i])),
  );
  if (!found) return undefined;
  const { block, path: owner } = found;
  const [entryName, fieldName, ...deeper] = path.slice(owner.length).map(String);
  const ownerKey = {
    line: block.ownerLine,
    from: block.ownerCol,
    to: block.ownerCol,
    text: block.ownerText,
    exact: false,
  };
  const whole = { ...block.source, text: block.source.text, exact: entryName === undefined };
  if (entryName === undefined) return part === 'key' ? { ...ownerKey, exact: true } : whole;
  const entry = block.entries.get(entryName);
  if (!entry) return part === 'key' ? ownerKey : whole;
  const span = (from: number, to: number, exact: boolean) => ({ line: entry.line, from, to, text: entry.text, exact });
  const entryKey = span(entry.keyAt, entry.keyAt, fieldName === undefined);
  if (fieldName === undefined) return part === 'key' ? entryKey : span(entry.valueAt, entry.valueEnd, true);
  const field = entry.fields.get(fieldName);
  if (!field) return part === 'key' ? entryKey : span(entry.valueAt, entry.valueEnd, false);
  return part === 'key'
    ? span(field.keyAt, field.keyAt, deeper.length === 0)
    : span(field.valueAt, field.valueEnd, deeper.length === 0);
}
