/**
 * Every record read back from the shared remote (a lock, a pending or sync
 * record, a run note, a sync-log line, a shared journal's lines) was written
 * by whoever could push, so it is screened before any schema sees it:
 *
 *   - what names something — an environment, rollout, group, host, run —
 *     must be a name, and a commit a full SHA: else the record is refused;
 *   - every other text is kept, with control characters and bidirectional
 *     overrides shown escaped (`\x1b`), never sent raw to a terminal or log;
 *   - nesting deeper than any record Lieutenant writes is refused (no
 *     recursion on input depth past it).
 *
 * Pure: text in, a value or the reason out; never throws.
 */
import { printable } from '../../spec/errors.js';
import { NAME } from '../../spec/names.js';

export type Screened<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Deeper than any record Lieutenant writes (a journal's plan is about 6). */
const MAX_DEPTH = 16;
const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** Keys whose string value names a thing, and what it must look like. */
const NAMED = new Map<string, { pattern: RegExp; what: string }>(
  Object.entries({
    environment: { pattern: NAME, what: 'an environment name' },
    rollout: { pattern: NAME, what: 'a rollout name' },
    group: { pattern: NAME, what: 'a group name' },
    host: { pattern: NAME, what: 'a host name' },
    runId: { pattern: RUN_ID, what: 'a run id' },
    commit: { pattern: SHA, what: 'a full commit SHA' },
    sha: { pattern: SHA, what: 'a full commit SHA' },
    supersededBy: { pattern: SHA, what: 'a full commit SHA' },
  }),
);
/** Keys whose value is a list of names. */
// Maps, not objects: a key such as `constructor` or `__proto__` must find nothing.
const NAMED_LISTS = new Map<string, { pattern: RegExp; what: string }>(
  Object.entries({
    hostsChanged: { pattern: NAME, what: 'host names' },
    runs: { pattern: RUN_ID, what: 'run ids' },
  }),
);

/** JSON text from the remote, screened; `what` names it in the reason ("the lock's message"). */
export function screenJson(text: string, what: string): Screened<unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${what} is not JSON` };
  }
  return screenValue(json);
}

/** A parsed JSON value, screened as `screenJson` says. */
export function screenValue(value: unknown): Screened<unknown> {
  return walk(value, [], 0);
}

function walk(value: unknown, path: readonly string[], depth: number): Screened<unknown> {
  if (depth > MAX_DEPTH) return refuse(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (typeof value === 'string') return checkString(value, path);
  if (Array.isArray(value)) return walkArray(value, path, depth);
  if (typeof value === 'object' && value !== null) return walkObject(value as Record<string, unknown>, path, depth);
  return { ok: true, value };
}

function walkArray(items: readonly unknown[], path: readonly string[], depth: number): Screened<unknown> {
  const list = NAMED_LISTS.get(path.at(-1) ?? '');
  const out: unknown[] = [];
  for (const [index, item] of items.entries()) {
    if (list && (typeof item !== 'string' || !list.pattern.test(item)))
      return refuse([...path, String(index)], `not one of ${list.what}`);
    const screened = walk(item, [...path, String(index)], depth + 1);
    if (!screened.ok) return screened;
    out.push(screened.value);
  }
  return { ok: true, value: out };
}

function walkObject(record: Record<string, unknown>, path: readonly string[], depth: number): Screened<unknown> {
  const entries: Array<[string, unknown]> = [];
  for (const [key, item] of Object.entries(record)) {
    if (printable(key) !== key) return refuse([...path, printable(key)], 'a key with control characters');
    const screened = walk(item, [...path, key], depth + 1);
    if (!screened.ok) return screened;
    entries.push([key, screened.value]);
  }
  // fromEntries defines own properties: a "__proto__" key stays data, never a prototype.
  return { ok: true, value: Object.fromEntries(entries) };
}

function checkString(text: string, path: readonly string[]): Screened<unknown> {
  const named = NAMED.get(path.at(-1) ?? '');
  if (named && !named.pattern.test(text)) return refuse(path, `"${printable(text.slice(0, 80))}" is not ${named.what}`);
  return { ok: true, value: printable(text) };
}

function refuse(path: readonly string[], why: string): Screened<never> {
  return { ok: false, reason: `${path.length > 0 ? `${path.join('.')}: ` : ''}${why}` };
}
