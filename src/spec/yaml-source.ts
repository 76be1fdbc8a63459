/**
 * YAML with positions: every value we validate can be traced back to the
 * line and column of the node that holds it, so a zod issue's `path` (or a
 * cross-field rule's) becomes `file:line:col` at the offending key or value.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node, Pair, ParsedNode, YAMLMap } from 'yaml';
import { specError, type SpecError } from './errors.js';
import { checkTree, MAX_DEPTH } from './yaml-limits.js';
import { FLAT_BLOCK_MIN_LINES, findFlatBlocks } from './yaml-flat-block.js';
import { flatSpan, placeBlocks, withBlocks } from './yaml-flat-splice.js';

export type PathSegment = string | number | symbol;
export interface Position {
  line: number;
  col: number;
}

export interface YamlFile {
  file: string;
  text: string;
  /** The plain data (`undefined` when the file has syntax errors). */
  value: unknown;
  /** Syntax errors and duplicate keys. */
  errors: SpecError[];
  /** Position of the key at `path` (for unknown keys) or of its value (for bad values). */
  at(path: readonly PathSegment[], part?: 'key' | 'value'): Position;
  /** Position of `needle` inside the string at `path` when it appears there literally, else of the value. */
  within(path: readonly PathSegment[], needle: string): Position;
  /** The value exactly as written at `path` (`1.10`, not 1.1), or undefined. */
  sourceOf(path: readonly PathSegment[]): string | undefined;
}

export function parseYaml(file: string, text: string, flatBlockMinLines = FLAT_BLOCK_MIN_LINES): YamlFile {
  // What the library reads: the text, less the blocks of one-line entries read faster (same line numbers).
  const { blocks, rest } = findFlatBlocks(text, flatBlockMinLines);
  const lineCounter = new LineCounter();
  // Duplicate keys are found by checkTree, in linear time (the library's check is quadratic).
  const document = parseDocument(rest, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const position = (offset: number): Position => lineCounter.linePos(offset);
  const placed = blocks.length > 0 ? placeBlocks(document, blocks, position) : [];
  if (placed === undefined) return parseYaml(file, text, Infinity); // a block was not what it looked like
  const errors = document.errors.map((error) =>
    specError(file, yamlMessage(error.code, error.message), position(error.pos[0])),
  );
  if (errors.length === 0)
    errors.push(...checkTree(document).map((problem) => specError(file, problem.message, position(problem.offset))));
  const index = new WeakMap<object, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, name: string): Pair | undefined => {
    let pairs = index.get(map);
    if (pairs === undefined) {
      pairs = new Map();
      for (const item of map.items) if (!pairs.has(keyText(item.key))) pairs.set(keyText(item.key), item);
      index.set(map, pairs);
    }
    return pairs.get(name);
  };

  /** The key or value at `path` (or the nearest node there is): its text, and positions inside it. */
  const locate = (path: readonly PathSegment[], part: 'key' | 'value') => {
    const fast = flatSpan(placed, path, part);
    if (fast)
      return {
        source: fast.text.slice(fast.from, fast.to),
        exact: fast.exact,
        at: (index: number): Position => {
          const before = fast.text.slice(0, fast.from + index).split('\n');
          return { line: fast.line + before.length, col: (before.at(-1)?.length ?? 0) + 1 };
        },
      };
    const found = walk(document, path, pairOf);
    const node = part === 'key' ? (found.key ?? found.value) : (found.value ?? found.key);
    const [start, end] = node?.range ? [node.range[0], node.range[1]] : [0, 0];
    return {
      source: rest.slice(start, end),
      exact: found.exact && node === found.value && node?.range !== undefined,
      at: (index: number): Position => position(start + index),
    };
  };

  return {
    file,
    text,
    // checkTree has bounded what aliases expand to; the library's alias count would refuse 101 `*std`.
    value: errors.length > 0 ? undefined : withBlocks(document.toJS({ maxAliasCount: -1 }), placed),
    errors,
    at: (path, part = 'value') => locate(path, part).at(0),
    within: (path, needle) => {
      const found = locate(path, 'value');
      return found.at(Math.max(0, found.source.indexOf(needle)));
    },
    sourceOf: (path) => {
      const found = locate(path, 'value');
      return found.exact ? found.source.trim() : undefined;
    },
  };
}

interface Found {
  /** The key node of the deepest pair reached. */
  key: Node | undefined;
  /** The node at the path, or the deepest node reached when the path is missing. */
  value: Node | undefined;
  exact: boolean;
}

function walk(
  document: Document.Parsed<ParsedNode>,
  path: readonly PathSegment[],
  pairOf: (map: YAMLMap, name: string) => Pair | undefined,
): Found {
  let current: Node | null = document.contents;
  let key: Node | undefined;
  for (const segment of path) {
    if (isAlias(current)) current = current.resolve(document) ?? null;
    if (isMap(current)) {
      const pair = pairOf(current, String(segment));
      if (!pair) return { key, value: current, exact: false };
      key = (pair.key as Node | null) ?? undefined;
      current = (pair.value as Node | null) ?? null;
      if (current === null) return { key, value: undefined, exact: false };
    } else if (isSeq(current) && typeof segment === 'number' && current.items[segment] !== undefined) {
      key = undefined;
      current = current.items[segment] as Node;
    } else {
      return { key, value: current ?? undefined, exact: false };
    }
  }
  return { key, value: current ?? undefined, exact: true };
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** The yaml library's message in the user's terms, without its own " at line L, column C" suffix. */
function yamlMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS')
    return 'a spec file holds one YAML document: remove this "---" line, or split the file (one spec per file)';
  if (code === 'RESOURCE_EXHAUSTION' || /call stack/i.test(message))
    return `nested too deeply to read (a spec needs fewer than 10 levels, at most ${MAX_DEPTH}): is a bracket or indent wrong?`;
  const firstLine = message.split('\n')[0] ?? message;
  return `YAML syntax error: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}`;
}
