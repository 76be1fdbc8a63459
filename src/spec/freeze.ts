/**
 * Freeze windows as an inventory writes them, and as runs read them. Two
 * kinds, each in a named time zone (default UTC):
 *
 *   weekly: "Fri 16:00 - Mon 08:00"            every week, wall-clock times
 *   from: "2026-12-21"  to: "2027-01-04 08:00" once; a date alone is the
 *                                              start of that day for `from`,
 *                                              the end of it for `to`
 *
 * Wall-clock times follow daylight saving time: "Fri 16:00" is 16:00 in
 * Berlin in summer and in winter.
 */
import { zonedInstant } from '../core/zoned-time.js';
import type { FreezeWindow, WeekTime } from './model.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_TIME = '(mon|tue|wed|thu|fri|sat|sun)[a-z]*\\s+([01]?\\d|2[0-3]):([0-5]\\d)';
/** `Fri 16:00 - Mon 08:00` (also `–`, full day names, any case). */
export const WEEKLY_PATTERN = new RegExp(`^\\s*${DAY_TIME}\\s*[-–]\\s*${DAY_TIME}\\s*$`, 'i');
/** `2026-12-21`, `2026-12-21 08:00` or `2026-12-21T08:00`. */
export const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]([01]\d|2[0-3]):([0-5]\d))?$/;

export interface FreezeSpec {
  reason: string;
  weekly?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  timeZone: string;
  allowRollback: boolean;
}

export function parseWeekly(text: string): { start: WeekTime; end: WeekTime } | undefined {
  const match = WEEKLY_PATTERN.exec(text);
  if (!match) return undefined;
  const at = (day: string | undefined, hour: string | undefined, minute: string | undefined): WeekTime => ({
    day: DAYS.indexOf((day ?? '').toLowerCase().slice(0, 3)),
    minute: Number(hour) * 60 + Number(minute),
  });
  return { start: at(match[1], match[2], match[3]), end: at(match[4], match[5], match[6]) };
}

/**
 * Why a weekly window that matches the pattern cannot mean what it says, or
 * undefined. The same day and time at both ends is a window of no time or of
 * the whole week; an end before the start on the same day would wrap round
 * to almost seven days. Both are refused rather than guessed.
 */
export function weeklyProblem(text: string): string | undefined {
  const weekly = parseWeekly(text);
  if (weekly === undefined || weekly.start.day !== weekly.end.day) return undefined;
  const lower = text.trim().slice(0, 3).toLowerCase();
  const day = lower.charAt(0).toUpperCase() + lower.slice(1);
  if (weekly.start.minute === weekly.end.minute)
    return `starts and ends at the same time: a window of no time, or of the whole week; give the end you mean (a whole week: two windows, "${day} 00:00 - ${nextDay(day)} 00:00" and the rest)`;
  if (weekly.end.minute < weekly.start.minute)
    return `ends before it starts on the same day, which would freeze almost a whole week; a window over the night ends on the next day ("${day} 22:00 - ${nextDay(day)} 06:00")`;
  return undefined;
}

const nextDay = (day: string): string => {
  const next = DAYS[(DAYS.indexOf(day.toLowerCase()) + 1) % 7] ?? 'mon';
  return next.charAt(0).toUpperCase() + next.slice(1);
};

/** A date or date-time as the instant it names in `timeZone`; a date alone is the day's start, or (`end`) its end. */
export function dateInstant(text: string, timeZone: string, edge: 'start' | 'end'): number | undefined {
  const match = DATE_PATTERN.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined; // 2026-02-30
  if (match[4] !== undefined)
    return zonedInstant({ year, month, day, hour: Number(match[4]), minute: Number(match[5]) }, timeZone);
  if (edge === 'start') return zonedInstant({ year, month, day, hour: 0, minute: 0 }, timeZone);
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return zonedInstant(
    { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0 },
    timeZone,
  );
}

/** A valid `freeze:` entry → the window runs check. */
export function freezeWindow(spec: FreezeSpec): FreezeWindow {
  const common = { reason: spec.reason, timeZone: spec.timeZone, allowRollback: spec.allowRollback };
  if (spec.weekly !== undefined) {
    const weekly = parseWeekly(spec.weekly);
    if (!weekly) throw new Error(`bug: "${spec.weekly}" passed validation but is not a weekly window`);
    return { ...common, kind: 'weekly', ...weekly, label: `${spec.weekly.trim()} ${spec.timeZone}` };
  }
  const startMs = dateInstant(spec.from ?? '', spec.timeZone, 'start');
  const endMs = dateInstant(spec.to ?? '', spec.timeZone, 'end');
  if (startMs === undefined || endMs === undefined)
    throw new Error(`bug: a freeze from ${spec.from} to ${spec.to} passed validation`);
  return { ...common, kind: 'dates', startMs, endMs, label: `${spec.from} – ${spec.to} ${spec.timeZone}` };
}
