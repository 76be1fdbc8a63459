/**
 * Reads the marked parts of the user documentation (docs/*.md) for the tests
 * that hold it: YAML examples (`<!-- example: PATH … -->` before a fence),
 * command outputs (`<!-- output: … -->` before a fence whose first line is
 * `$ lieutenant …`) and reference tables (`<!-- keys: … -->`,
 * `<!-- commands -->`, `<!-- exit-codes -->` before a table). The docs are
 * the source; the tests never keep a second copy of an example.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DOCS_DIR = fileURLToPath(new URL('../../docs/', import.meta.url));

export interface Marker {
  /** `example`, `output`, `keys`, … */
  kind: string;
  /** Words without `=`, in order: `<!-- keys: inventory groups.<group>.health[] -->` → both. */
  args: string[];
  /** `key=value` or `key="quoted value"`; a bare flag such as `invalid` is not here but in `args`. */
  attrs: Record<string, string>;
  /** 1-based line of the marker, for messages. */
  line: number;
}

export interface MarkedFence extends Marker {
  /** The fence's info string (`yaml`, or ''). */
  info: string;
  /** The lines between the fences, each ending in a newline. */
  text: string;
}

export interface MarkedTable extends Marker {
  /** Body rows (header and separator dropped), cells trimmed. */
  rows: string[][];
}

export interface OutputExample {
  line: number;
  repo: string;
  subject: string;
  exit: number;
  argv: string[];
  /** stdout and stderr as the command prints them, with the short SHA written as 1a2b3c4. */
  expected: string;
}

/** What an example's short SHA is written as; the tests put the real one in its place. */
export const SHORT_SHA_PLACEHOLDER = '1a2b3c4';

const MARKER = /^<!--\s*([a-z][a-z-]*)(?::\s*(.*?))?\s*-->\s*$/;
const FENCE = /^\s*```(\S*)\s*$/;

export async function docFiles(): Promise<string[]> {
  return (await readdir(DOCS_DIR)).filter((name) => name.endsWith('.md')).sort();
}

export async function readDoc(name: string): Promise<string> {
  return readFile(join(DOCS_DIR, name), 'utf8');
}

/** `a b=c d="e f"` → args [a], attrs {b: c, d: 'e f'}; `invalid` alone is an arg. */
export function parseMarkerWords(text: string): { args: string[]; attrs: Record<string, string> } {
  const args: string[] = [];
  const attrs: Record<string, string> = {};
  for (const match of text.matchAll(/([A-Za-z][\w-]*)="([^"]*)"|([A-Za-z][\w-]*)=(\S+)|(\S+)/g)) {
    if (match[1] !== undefined) attrs[match[1]] = match[2] ?? '';
    else if (match[3] !== undefined) attrs[match[3]] = match[4] ?? '';
    else if (match[5] !== undefined) args.push(match[5]);
  }
  return { args, attrs };
}

export function markers(markdown: string): Marker[] {
  return markdown.split('\n').flatMap((line, index) => {
    const match = MARKER.exec(line.trim());
    if (!match) return [];
    return [{ kind: match[1] ?? '', ...parseMarkerWords(match[2] ?? ''), line: index + 1 }];
  });
}

/** The fence right after each marker of `kind` (blank lines between are allowed, nothing else). */
export function markedFences(markdown: string, kind: string, file = 'the document'): MarkedFence[] {
  const lines = markdown.split('\n');
  return markers(markdown)
    .filter((marker) => marker.kind === kind)
    .map((marker) => {
      const start = nextContentLine(lines, marker.line);
      const open = FENCE.exec(lines[start] ?? '');
      if (!open) throw new Error(`${file}:${marker.line}: <!-- ${kind} … --> must be followed by a fenced block`);
      const body: string[] = [];
      for (let index = start + 1; ; index++) {
        const line = lines[index];
        if (line === undefined) throw new Error(`${file}:${start + 1}: the fenced block is never closed`);
        if (FENCE.test(line)) break;
        body.push(`${line}\n`);
      }
      return { ...marker, info: open[1] ?? '', text: body.join('') };
    });
}

/** The table right after the marker `<!-- kind: args -->` (args compared as written). */
export function markedTable(markdown: string, kind: string, args: string[] = [], file = 'the document'): MarkedTable {
  const lines = markdown.split('\n');
  const found = markers(markdown).filter((marker) => marker.kind === kind && marker.args.join(' ') === args.join(' '));
  const marker = found[0];
  if (!marker || found.length > 1)
    throw new Error(`${file}: expected exactly one <!-- ${[kind, ...args].join(' ')} --> table, found ${found.length}`);
  const start = nextContentLine(lines, marker.line);
  const rows: string[][] = [];
  for (let index = start; lines[index]?.trimStart().startsWith('|'); index++) {
    rows.push(splitRow(lines[index] ?? ''));
  }
  if (rows.length < 2) throw new Error(`${file}:${marker.line}: <!-- ${kind} --> must be followed by a table`);
  return { ...marker, rows: rows.slice(2) };
}

function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** Index of the first non-blank line after the 1-based `line`. */
function nextContentLine(lines: readonly string[], line: number): number {
  let index = line;
  while (index < lines.length && (lines[index] ?? '').trim() === '') index++;
  return index;
}

/**
 * The example rollout repos of a page: repo name (default `main`) → path →
 * text. `base=NAME` starts a repo from a copy of an earlier one; a bare
 * `invalid` marks a repo as deliberately broken.
 */
export function exampleRepos(
  markdown: string,
  file = 'the document',
): Map<string, { files: Record<string, string>; invalid: boolean }> {
  const repos = new Map<string, { files: Record<string, string>; invalid: boolean }>();
  for (const fence of markedFences(markdown, 'example', file)) {
    const [path, ...flags] = fence.args;
    if (path === undefined) throw new Error(`${file}:${fence.line}: <!-- example: PATH --> names no file`);
    const name = fence.attrs['repo'] ?? 'main';
    let repo = repos.get(name);
    if (!repo) {
      const base = fence.attrs['base'];
      const from = base === undefined ? undefined : repos.get(base);
      if (base !== undefined && !from)
        throw new Error(`${file}:${fence.line}: base=${base} is not an example repo defined above it`);
      repo = { files: { ...from?.files }, invalid: false };
      repos.set(name, repo);
    }
    repo.invalid ||= flags.includes('invalid');
    repo.files[path] = fence.text;
  }
  return repos;
}

/** Every `<!-- output: … -->` block of a page, with the command it shows and what it prints. */
export function outputExamples(markdown: string, file = 'the document'): OutputExample[] {
  return markedFences(markdown, 'output', file).map((fence) => {
    const [command = '', ...output] = fence.text.split('\n');
    const argv = command.startsWith('$ lieutenant ') ? command.slice('$ lieutenant '.length).split(/\s+/) : undefined;
    if (!argv) throw new Error(`${file}:${fence.line}: an output block starts with "$ lieutenant …"`);
    const exit = Number(fence.attrs['exit']);
    if (!Number.isInteger(exit)) throw new Error(`${file}:${fence.line}: an output block needs exit=N`);
    return {
      line: fence.line,
      repo: fence.attrs['repo'] ?? 'main',
      subject: fence.attrs['subject'] ?? 'specs',
      exit,
      argv,
      expected: output.join('\n'),
    };
  });
}

/** Line numbers of ```yaml fences that no `<!-- example: … -->` marks: examples nobody tests. */
export function unmarkedYamlFences(markdown: string): number[] {
  const lines = markdown.split('\n');
  const marked = new Set(
    markers(markdown)
      .filter((marker) => marker.kind === 'example')
      .map((marker) => nextContentLine(lines, marker.line)),
  );
  const unmarked: number[] = [];
  let inFence = false;
  lines.forEach((line, index) => {
    const fence = FENCE.exec(line);
    if (!fence) return;
    if (!inFence && fence[1] === 'yaml' && !marked.has(index)) unmarked.push(index + 1);
    inFence = !inFence;
  });
  return unmarked;
}
