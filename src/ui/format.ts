/**
 * Small text helpers shared by every view (TUI, lines, summaries), so the same
 * thing reads the same everywhere: `demo 1.0 → 1.1`, `1m 05s`, `a1b2c3d`.
 */
import type { Versions } from '../engine/index.js';
import { shortSha } from '../core/sha.js';

/** One short form of a commit for every view (core/sha.ts). */
export { shortSha };

/** Where renderers write: a stream, or anything with `write(text)` (the CLI's io, a test's collector). */
export interface TextSink {
  write(text: string): unknown;
}

/** `1.0`, or `(none)` for a package that is not installed. */
export const versionText = (version: string | null | undefined): string => version ?? '(none)';

/** `demo 1.0 → 1.1, libfoo (none) → 2.0`: only the packages that differ (all of them when none do). */
export function versionChanges(before: Versions, after: Versions): string {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = names.filter((name) => (before[name] ?? null) !== (after[name] ?? null));
  const shown = changed.length > 0 ? changed : names;
  return shown.map((name) => `${name} ${versionText(before[name])} → ${versionText(after[name])}`).join(', ');
}

/** `demo 1.1, libfoo 2.0`. */
export const versionsText = (versions: Versions): string =>
  Object.keys(versions)
    .sort()
    .map((name) => `${name} ${versionText(versions[name])}`)
    .join(', ');

/** `850ms`, `12s`, `1m 05s`, `2h 03m`: for elapsed times and countdowns. */
export function formatElapsed(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 1_000) return `${Math.round(safe)}ms`;
  const seconds = Math.floor(safe / 1_000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** `12:01:03` in the given time zone (the machine's when omitted). */
export function formatClock(at: string | number, timeZone?: string): string {
  return clockFormatter(timeZone)(at);
}

/** The same, with the (costly to build) formatter made once: for renderers that stamp every line. */
export function clockFormatter(timeZone?: string): (at: string | number) => string {
  const format = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    ...(timeZone === undefined ? {} : { timeZone }),
  });
  return (at) => format.format(new Date(at));
}

/** `3 hosts`, `1 host`. */
export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** How to undo what a run changed (docs/gitops.md: a release is rolled back by reverting its commit). */
export const revertHint = (sha: string): string => `lieutenant revert ${shortSha(sha)} --run`;
