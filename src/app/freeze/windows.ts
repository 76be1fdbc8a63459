/**
 * When freeze windows are: whether an instant is inside one (and until
 * when), and the next one to come. Weekly windows are wall-clock times in
 * their zone, so they move with daylight saving time as people expect.
 */
import { addDays, wallClock, zonedInstant } from '../../core/zoned-time.js';
import type { FreezeWindow, WeekTime } from '../../spec/model.js';

export interface WindowSpan {
  window: FreezeWindow;
  startMs: number;
  endMs: number;
}

/** The windows `now` is inside, each with the span it is in (the latest end first). */
export function activeWindows(windows: readonly FreezeWindow[], now: number): WindowSpan[] {
  return windows
    .flatMap((window): WindowSpan[] => {
      if (window.kind === 'dates') return now >= window.startMs && now < window.endMs ? [{ window, ...window }] : [];
      const wall = wallClock(now, window.timeZone);
      const at = wall.weekday * 24 * 60 + wall.hour * 60 + wall.minute;
      const start = minuteOfWeek(window.start);
      const end = minuteOfWeek(window.end);
      const inside = start < end ? at >= start && at < end : at >= start || at < end;
      if (!inside) return [];
      return [
        {
          window,
          startMs: previousOccurrence(window.start, now, window.timeZone),
          endMs: nextOccurrence(window.end, now, window.timeZone),
        },
      ];
    })
    .sort((a, b) => b.endMs - a.endMs);
}

/** The window that starts next after `now` (one already running is not "next"), or undefined. */
export function nextWindow(windows: readonly FreezeWindow[], now: number): WindowSpan | undefined {
  const upcoming = windows.flatMap((window): WindowSpan[] => {
    if (window.kind === 'dates') return window.startMs > now ? [{ window, ...window }] : [];
    const startMs = nextOccurrence(window.start, now, window.timeZone);
    return [{ window, startMs, endMs: nextOccurrence(window.end, startMs, window.timeZone) }];
  });
  return upcoming.sort((a, b) => a.startMs - b.startMs)[0];
}

const minuteOfWeek = (time: WeekTime) => time.day * 24 * 60 + time.minute;

/** The first instant after `after` at which the wall clock in `timeZone` reads `time`. */
function nextOccurrence(time: WeekTime, after: number, timeZone: string): number {
  const today = wallClock(after, timeZone);
  for (let days = 0; days <= 8; days++) {
    const date = addDays(today, days);
    if (date.weekday !== time.day) continue;
    const instant = zonedInstant({ ...date, hour: Math.floor(time.minute / 60), minute: time.minute % 60 }, timeZone);
    if (instant > after) return instant;
  }
  throw new Error(`bug: no ${time.day}/${time.minute} within 8 days of ${new Date(after).toISOString()}`);
}

/** The last instant at or before `before` at which the wall clock in `timeZone` read `time`. */
function previousOccurrence(time: WeekTime, before: number, timeZone: string): number {
  const today = wallClock(before, timeZone);
  for (let days = 0; days >= -8; days--) {
    const date = addDays(today, days);
    if (date.weekday !== time.day) continue;
    const instant = zonedInstant({ ...date, hour: Math.floor(time.minute / 60), minute: time.minute % 60 }, timeZone);
    if (instant <= before) return instant;
  }
  throw new Error(`bug: no ${time.day}/${time.minute} within 8 days before ${new Date(before).toISOString()}`);
}

/** `Fri 2026-12-04 16:00 Europe/Berlin`: an instant as the window's zone reads it. */
export function describeInstant(ms: number, timeZone: string): string {
  const wall = wallClock(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][wall.weekday] ?? '';
  return `${day} ${wall.year}-${two(wall.month)}-${two(wall.day)} ${two(wall.hour)}:${two(wall.minute)} ${timeZone}`;
}
