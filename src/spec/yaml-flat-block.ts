/**
 * A fast path for the one part of a spec that grows with the fleet: a long
 * block of one-line entries such as
 *
 *     hosts:
 *       web-0001: { address: 10.0.0.1, port: 2222 }
 *       web-0002: { address: "10.0.0.2" }
 *
 * The YAML library reads 100,000 such lines in seconds; a regular expression
 * per line reads them in tens of milliseconds. Only lines whose meaning is
 * beyond doubt are read here: plain names, a flow map of plain fields, values
 * that are quoted without escapes, plain decimal integers, or plain text that
 * no YAML 1.2 core rule would turn into anything but a string. Anything else
 * — a `true`, a `1.5`, a `0x1f`, an escape, a duplicate, a `%YAML` directive,
 * a second line per entry — and the block is not taken: the library reads the
 * whole file, as it always did. `parseYaml` empties the lines taken (keeping
 * every line number), lets the library read the rest, checks that the key before
 * the block really is a mapping key with no value of its own, and splices the
 * entries in.
 */

/** Columns (0-based) in the entry's line. */
export interface FlatField {
  keyAt: number;
  valueAt: number;
  valueEnd: number;
}

export interface FlatEntry {
  /** 0-based line number, and the line as written. */
  line: number;
  text: string;
  keyAt: number;
  /** The `{` of the entry's flow map, and just past its `}`. */
  valueAt: number;
  valueEnd: number;
  fields: Map<string, FlatField>;
}

export interface FlatBlock {
  /** 0-based line and column of the key that owns the block (`hosts` of `hosts:`). */
  ownerLine: number;
  ownerCol: number;
  ownerKey: string;
  ownerText: string;
  /** The block as written, from its first entry's line and column to the end of its last entry. */
  source: { line: number; from: number; to: number; text: string };
  entries: Map<string, FlatEntry>;
  /** What the library would have made of the block. */
  value: Record<string, Record<string, string | number>>;
}

export interface FlatRead {
  blocks: FlatBlock[];
  /** The text with every block's lines emptied: what the library reads. Line numbers are unchanged. */
  rest: string;
}

/** Blocks shorter than this are left to the library: the fast path only pays off at fleet scale. */
export const FLAT_BLOCK_MIN_LINES = 200;

const NAME = String.raw`[A-Za-z0-9_][A-Za-z0-9_.-]*`;
const OWNER = new RegExp(String.raw`^( *)(${NAME}):[ \t]*(?:#.*)?$`);
const ENTRY = new RegExp(String.raw`^( *)(${NAME}): \{ *(.*?) *\}[ \t]*(?:[ \t]#.*)?$`);
/** Quoted values: printable ASCII, no escapes (`\` in double quotes, `''` in single). */
const FIELD = /^([A-Za-z][A-Za-z0-9_]*): +("[ !#-[\]-~]*"|'[ -&(-~]*'|[A-Za-z0-9_/][A-Za-z0-9_./-]*)$/;
const SKIPPED = /^[ \t]*(?:#.*)?$/;
/** Plain scalars YAML 1.2's core schema resolves to something other than a string or a decimal integer. */
const NOT_TEXT =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const DECIMAL = /^[0-9]+$/;

/** Every block of at least `minLines` one-line entries, or none when the text may mean something else. */
export function findFlatBlocks(text: string, minLines = FLAT_BLOCK_MIN_LINES): FlatRead {
  const none = { blocks: [], rest: text };
  if (text.length < minLines * 8 || /^%/m.test(text)) return none; // a directive (`%YAML 1.1`) changes how scalars read
  const lines = text.split('\n');
  const blocks: FlatBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const owner = OWNER.exec(lines[index] ?? '');
    if (!owner) continue;
    const read = readBlock(lines, index, (owner[1] ?? '').length, owner[2] ?? '');
    if (read === 'unsure') return none;
    if (read === undefined || read.block.entries.size < minLines) continue;
    blocks.push(read.block);
    for (const entry of read.block.entries.values()) lines[entry.line] = '';
    index = read.lastLine;
  }
  return blocks.length === 0 ? none : { blocks, rest: lines.join('\n') };
}

function readBlock(
  lines: readonly string[],
  ownerLine: number,
  ownerCol: number,
  ownerKey: string,
): { block: FlatBlock; lastLine: number } | 'unsure' | undefined {
  const entries = new Map<string, FlatEntry>();
  const value: FlatBlock['value'] = {};
  let indent: number | undefined;
  let firstLine = ownerLine + 1;
  let lastLine = ownerLine;
  for (let index = ownerLine + 1; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (SKIPPED.test(line)) continue;
    const entry = ENTRY.exec(line);
    const entryIndent = entry?.[1]?.length ?? -1;
    if (!entry || entryIndent <= ownerCol || (indent !== undefined && entryIndent !== indent)) break;
    const name = entry[2] ?? '';
    const fields = readFields(line, entry[3] ?? '');
    if (fields === undefined || name === '__proto__' || entries.has(name)) return 'unsure';
    if (indent === undefined) firstLine = index;
    indent = entryIndent;
    entries.set(name, {
      line: index,
      text: line,
      keyAt: entryIndent,
      valueAt: line.indexOf('{', entryIndent + name.length),
      valueEnd: line.lastIndexOf('}') + 1,
      fields: fields.positions,
    });
    value[name] = fields.value;
    lastLine = index;
  }
  if (entries.size === 0) return undefined;
  const text = lines.slice(firstLine, lastLine + 1).join('\n');
  return {
    block: {
      ownerLine,
      ownerCol,
      ownerKey,
      ownerText: lines[ownerLine] ?? '',
      source: { line: firstLine, from: indent ?? 0, to: text.length, text },
      entries,
      value,
    },
    lastLine,
  };
}

function readFields(
  line: string,
  inside: string,
): { value: Record<string, string | number>; positions: Map<string, FlatField> } | undefined {
  const value: Record<string, string | number> = {};
  const positions = new Map<string, FlatField>();
  if (inside === '') return { value, positions };
  let from = line.indexOf('{') + 1;
  for (const part of inside.split(',')) {
    const field = FIELD.exec(part.replace(/^ +| +$/g, '')); // spaces only: a tab is left to the library
    if (!field) return undefined;
    const [, key = '', written = ''] = field;
    if (positions.has(key)) return undefined;
    const read = scalar(written);
    if (read === undefined) return undefined;
    const keyAt = line.indexOf(key, from);
    const valueAt = line.indexOf(written, keyAt + key.length + 1);
    from = valueAt + written.length;
    value[key] = read;
    positions.set(key, { keyAt, valueAt, valueEnd: from });
  }
  return { value, positions };
}

/** The value exactly as the library reads it, or undefined when that is not beyond doubt. */
function scalar(written: string): string | number | undefined {
  if (written.startsWith('"') || written.startsWith("'")) return written.slice(1, -1);
  if (DECIMAL.test(written)) return Number(written);
  return NOT_TEXT.test(written) ? undefined : written;
}
