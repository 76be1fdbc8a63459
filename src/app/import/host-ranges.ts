/**
 * Ansible's host ranges, as its inventory plugins expand them
 * (`expand_hostname_range`): `web[01:50]` (a leading zero fixes the width,
 * and both ends must then have it), `[:5]` (from 0), `[a:f]` (letters, in
 * the order a…z A…Z), steps `[0:100:10]`, and several ranges in one name,
 * the first varying slowest. Bounded: a pattern that would expand to more
 * than MAX_RANGE_HOSTS names is refused before any is made, and expansion
 * is linear in what it makes.
 */

/** Most names one host pattern may expand to. */
export const MAX_RANGE_HOSTS = 100_000;

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export type Expansion = { ok: true; hosts: string[] } | { ok: false; reason: string };

interface Range {
  head: string;
  items: string[];
}

/** Whether Ansible would read `pattern` as a range: a `[`, a `]` after it, a `:` between. */
export function hasRange(pattern: string): boolean {
  const open = pattern.indexOf('[');
  const close = pattern.indexOf(']', open);
  return open >= 0 && close > open && pattern.slice(open, close).includes(':');
}

export function expandHostPattern(pattern: string): Expansion {
  const ranges: Range[] = [];
  let rest = pattern;
  let count = 1;
  while (hasRange(rest)) {
    const open = rest.indexOf('[');
    const close = rest.indexOf(']', open);
    const items = rangeItems(rest.slice(open + 1, close), count);
    if (!items.ok) return { ok: false, reason: `${pattern}: ${items.reason}` };
    count *= items.hosts.length;
    ranges.push({ head: rest.slice(0, open), items: items.hosts });
    rest = rest.slice(close + 1);
  }
  if (ranges.length === 0) {
    if (/[[\]]/.test(pattern)) return { ok: false, reason: `${pattern}: a range is [START:END] or [START:END:STEP]` };
    return { ok: true, hosts: [pattern] };
  }
  if (count === 0) return { ok: true, hosts: [] };
  // Iterative product, first range slowest: no recursion, one string per name made.
  let names = [''];
  for (const range of ranges) {
    const next: string[] = [];
    for (const prefix of names) for (const item of range.items) next.push(`${prefix}${range.head}${item}`);
    names = next;
  }
  return { ok: true, hosts: rest === '' ? names : names.map((name) => `${name}${rest}`) };
}

/** The items of one `START:END[:STEP]`, refused before they are made when `before` × their count is over the cap. */
function rangeItems(inner: string, before: number): Expansion {
  const bounds = inner.split(':');
  if (bounds.length !== 2 && bounds.length !== 3)
    return { ok: false, reason: 'a range is [START:END] or [START:END:STEP]' };
  const [start = '', end = '', stepText = '1'] = bounds;
  const from = start === '' ? '0' : start;
  if (end === '') return { ok: false, reason: 'a range needs an end, as in [1:5]' };
  if (!/^\d+$/.test(stepText) || Number(stepText) < 1)
    return { ok: false, reason: `the step "${stepText}" is not a whole number ≥ 1` };
  const step = Number(stepText);
  const width = from.length > 1 && from.startsWith('0') ? from.length : 0;
  if (width > 0 && end.length !== width)
    return { ok: false, reason: `[${inner}]: with a leading zero, start and end must have the same width` };
  const letterFrom = LETTERS.indexOf(from);
  const letterTo = LETTERS.indexOf(end);
  if (from.length === 1 && end.length === 1 && letterFrom >= 0 && letterTo >= 0) {
    if (letterFrom > letterTo) return { ok: false, reason: `[${inner}]: the start comes after the end` };
    const items: string[] = [];
    for (let i = letterFrom; i <= letterTo; i += step) items.push(LETTERS[i] ?? '');
    return { ok: true, hosts: items };
  }
  if (!/^\d+$/.test(from) || !/^\d+$/.test(end))
    return { ok: false, reason: `[${inner}]: a range is of numbers ([01:50]) or single letters ([a:f])` };
  const first = Number(from);
  const last = Number(end);
  const length = last < first ? 0 : Math.floor((last - first) / step) + 1;
  if (length * Math.max(before, 1) > MAX_RANGE_HOSTS)
    return {
      ok: false,
      reason: `expands to ${(length * Math.max(before, 1)).toLocaleString('en')} hosts; at most ${MAX_RANGE_HOSTS.toLocaleString('en')} per pattern`,
    };
  const items: string[] = [];
  for (let n = first; n <= last; n += step) items.push(width > 0 ? String(n).padStart(width, '0') : String(n));
  return { ok: true, hosts: items };
}
