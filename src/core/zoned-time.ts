/**
 * Wall-clock time in a named time zone (IANA: `Europe/Berlin`), with Node's
 * Intl and nothing else. Daylight saving time is the hard part: a local time
 * that does not exist (02:30 the night clocks go forward) is taken as the
 * moment the clocks jump (03:00), the first whose wall clock is past it; one
 * that exists twice (the night they go back) as its first occurrence.
 */

export interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  /** 0 Monday … 6 Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** True when Intl knows the zone (`Europe/Berlin`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The wall clock in `timeZone` at the instant `ms`. */
export function wallClock(ms: number, timeZone: string): WallClock {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
  };
}

/** The zone's offset from UTC at the instant `ms`, in ms (+3600000 for Berlin in winter). */
function offsetAt(ms: number, timeZone: string): number {
  const wall = wallClock(ms, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  return asUtc - Math.floor(ms / 60_000) * 60_000;
}

/** The instant a wall-clock time in `timeZone` names (see the file comment for DST gaps and overlaps). */
export function zonedInstant(
  local: Pick<WallClock, 'year' | 'month' | 'day' | 'hour' | 'minute'>,
  timeZone: string,
): number {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  // The offsets a day either side cover the one in force at the wall time (zones change twice a year).
  const candidates = [...new Set(offsets(asUtc, timeZone))]
    .map((offset) => asUtc - offset)
    .filter((instant) => asUtc - offsetAt(instant, timeZone) === instant)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return first; // exists (twice in an overlap: the first)
  // A gap: the wall time was skipped. It is the instant the clocks jumped — the first whose wall clock is past it.
  let low = asUtc - Math.max(...offsets(asUtc, timeZone)); // before the jump
  let high = asUtc - Math.min(...offsets(asUtc, timeZone)); // after it
  while (high - low > 60_000) {
    const middle = low + Math.floor((high - low) / 120_000) * 60_000;
    if (offsetAt(middle, timeZone) === offsetAt(low, timeZone)) low = middle;
    else high = middle;
  }
  return high;
}

const offsets = (asUtc: number, timeZone: string) => [
  offsetAt(asUtc - 86_400_000, timeZone),
  offsetAt(asUtc + 86_400_000, timeZone),
];

/** Adds whole days to a calendar date (month and year roll over). */
export function addDays(
  date: Pick<WallClock, 'year' | 'month' | 'day'>,
  days: number,
): Pick<WallClock, 'year' | 'month' | 'day' | 'weekday'> {
  const utc = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return {
    year: utc.getUTCFullYear(),
    month: utc.getUTCMonth() + 1,
    day: utc.getUTCDate(),
    weekday: (utc.getUTCDay() + 6) % 7,
  };
}

export function weekdayName(weekday: number): string {
  return WEEKDAYS[weekday] ?? '?';
}
