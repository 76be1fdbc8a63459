/**
 * What the YAML library accepts but a spec must not: keys that would change
 * on the way to plain data, and documents too deep or too large once their
 * aliases are expanded. One linear pass over the parsed document, before
 * anything else reads it.
 *
 * - Keys are names, never numbers: `010:` stays "010" (the library would
 *   make it 10, and `1.10:` 1.1), so each key is rewritten to its text as
 *   written. `__proto__` would vanish from the data, so it is refused.
 * - Duplicate keys are found here with a set per map (the library's own check
 *   compares every key with every other: quadratic in the hosts).
 * - Aliases are welcome (`health: *std` in 500 groups), alias bombs are not:
 *   the limit is on the size of the expanded data, not on the alias count.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, ParsedNode, Scalar } from 'yaml';

/** No spec nests deeper than 8; this leaves room, and keeps every recursive reader far from the stack's end. */
export const MAX_DEPTH = 64;
/** Expanded values allowed per value written, plus a floor for small files with a few big anchors. */
const EXPANSION_FACTOR = 10;
const EXPANSION_FLOOR = 100_000;

export interface TreeProblem {
  message: string;
  /** Offset in the source text. */
  offset: number;
}

interface Measure {
  /** Values once every alias is expanded. */
  size: number;
  depth: number;
}

export function checkTree(document: Document.Parsed<ParsedNode>): TreeProblem[] {
  const problems: TreeProblem[] = [];
  const anchors = new Map<string, Node>();
  const measured = new Map<Node, Measure>();
  let written = 0;
  let expanded = 0;
  let tooDeep = false;
  let bombAt: number | undefined;
  const at = (node: Node | null | undefined) => node?.range?.[0] ?? 0;

  const visit = (node: Node | null, depth: number): Measure => {
    if (node === null) return { size: 1, depth: 0 };
    if (depth > MAX_DEPTH) {
      if (!tooDeep)
        problems.push({
          message: `nested more than ${MAX_DEPTH} levels deep; a spec needs fewer than 10 (is a bracket or indent wrong?)`,
          offset: at(node),
        });
      tooDeep = true;
      return { size: 1, depth: 0 };
    }
    written++;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const measure = target === undefined ? undefined : measured.get(target);
      if (target === undefined) {
        problems.push({ message: `alias *${node.source} has no anchor &${node.source} before it`, offset: at(node) });
      } else if (measure === undefined) {
        problems.push({ message: `alias *${node.source} is inside its own anchor &${node.source}`, offset: at(node) });
      } else {
        expanded += measure.size;
        if (bombAt === undefined && expanded > EXPANSION_FLOOR && expanded > EXPANSION_FACTOR * written)
          bombAt = at(node);
        if (depth + measure.depth > MAX_DEPTH && !tooDeep) {
          problems.push({
            message: `alias *${node.source} nests the data more than ${MAX_DEPTH} levels deep`,
            offset: at(node),
          });
          tooDeep = true;
        }
        return measure;
      }
      return { size: 1, depth: 0 };
    }
    if (node.anchor) anchors.set(node.anchor, node);
    let measure: Measure = { size: 1, depth: 0 };
    expanded++;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        const name = keyName(key);
        if (name === undefined) {
          problems.push({ message: 'a key must be a plain name, not a list, a map or an alias', offset: at(key) });
        } else if (name === '__proto__') {
          problems.push({
            message: '"__proto__" cannot be a name here: it is reserved by JavaScript; choose another name',
            offset: at(key),
          });
        } else if (seen.has(name)) {
          problems.push({
            message: `duplicate key ${JSON.stringify(name)}: each key may appear only once in a map`,
            offset: at(key),
          });
        } else {
          seen.add(name);
          if (isScalar(key)) (key as Scalar).value = name;
        }
        measure = grow(measure, visit(pair.value as Node | null, depth + 1));
      }
    } else if (isSeq(node)) {
      for (const item of node.items) measure = grow(measure, visit(item as Node | null, depth + 1));
    }
    if (node.anchor) measured.set(node, measure); // only anchors are looked up again
    return measure;
  };

  visit(document.contents, 1);
  if (bombAt !== undefined)
    problems.push({
      message: `aliases expand this file to ${expanded} values from ${written} written (more than ${EXPANSION_FACTOR} times as many): an alias bomb? Write the repeated parts out, or alias smaller parts`,
      offset: bombAt,
    });
  return problems;
}

function grow(measure: Measure, child: Measure): Measure {
  return { size: measure.size + child.size, depth: Math.max(measure.depth, child.depth + 1) };
}

/** A key's name exactly as written: `010` and `1.10` stay text, `"a b"` is `a b`. */
export function keyName(key: Node | null): string | undefined {
  if (key === null) return '';
  if (!isScalar(key)) return undefined;
  if (typeof key.value === 'string') return key.value;
  return (key as Scalar & { source?: string }).source ?? String(key.value);
}
