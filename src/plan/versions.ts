/**
 * Version ordering, so the plan can say upgrade or downgrade. Pure ports of
 * dpkg's `verrevcmp` (deb-version(7)) and rpm's `rpmvercmp`; both compare
 * epoch first, then upstream version, then revision/release.
 */
import type { PackageManagerKind } from '../spec/schema.js';

export function compareVersions(kind: PackageManagerKind, a: string, b: string): number {
  return kind === 'apt' ? compareDebian(a, b) : compareRpm(a, b);
}

interface Evr {
  epoch: number;
  version: string;
  release: string;
}

function splitEvr(text: string): Evr {
  const colon = text.indexOf(':');
  const epoch = colon > 0 && /^\d+$/.test(text.slice(0, colon)) ? Number(text.slice(0, colon)) : 0;
  const rest = colon > 0 ? text.slice(colon + 1) : text;
  const dash = rest.lastIndexOf('-');
  return dash >= 0
    ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) }
    : { epoch, version: rest, release: '' };
}

const sign = (n: number): number => (n > 0 ? 1 : n < 0 ? -1 : 0);

// ------------------------------------------------------------------ Debian

export function compareDebian(a: string, b: string): number {
  const x = splitEvr(a);
  const y = splitEvr(b);
  if (x.epoch !== y.epoch) return sign(x.epoch - y.epoch);
  return verrevcmp(x.version, y.version) || verrevcmp(x.release, y.release);
}

/** dpkg's character weight: `~` sorts before everything, even the end of the string. */
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (/[0-9]/.test(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const diff = order(a[i]) - order(b[j]);
      if (diff !== 0) return sign(diff);
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    let firstDiff = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff !== 0) return sign(firstDiff);
  }
  return 0;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

// --------------------------------------------------------------------- RPM

export function compareRpm(a: string, b: string): number {
  const x = splitEvr(a);
  const y = splitEvr(b);
  if (x.epoch !== y.epoch) return sign(x.epoch - y.epoch);
  const byVersion = rpmvercmp(x.version, y.version);
  // A pin without a release ("1.1") matches any release of that version.
  if (byVersion !== 0 || x.release === '' || y.release === '') return byVersion;
  return rpmvercmp(x.release, y.release);
}

function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  const segments = /~|\^|[0-9]+|[A-Za-z]+/g;
  const left = a.match(segments) ?? [];
  const right = b.match(segments) ?? [];
  for (let k = 0; ; k++) {
    const l = left[k];
    const r = right[k];
    if (l === '~' || r === '~') {
      if (l !== r) return l === '~' ? -1 : 1;
      continue;
    }
    if (l === '^' || r === '^') {
      if (l === undefined) return -1;
      if (r === undefined) return 1;
      if (l !== r) return l === '^' ? -1 : 1;
      continue;
    }
    if (l === undefined || r === undefined) return l === r ? 0 : l === undefined ? -1 : 1;
    const lNum = /^[0-9]/.test(l);
    const rNum = /^[0-9]/.test(r);
    if (lNum !== rNum) return lNum ? 1 : -1;
    if (lNum) {
      const diff = compareDigits(l, r);
      if (diff !== 0) return diff;
    } else if (l !== r) {
      return l < r ? -1 : 1;
    }
  }
}

function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return sign(x.length - y.length);
  return x === y ? 0 : x < y ? -1 : 1;
}

/** The packages that are (or are to be) installed, at their versions: the absent (null) ones left out. */
export function presentVersions(versions: Readonly<Record<string, string | null>>): Record<string, string> {
  return Object.fromEntries(Object.entries(versions).filter((entry): entry is [string, string] => entry[1] !== null));
}
