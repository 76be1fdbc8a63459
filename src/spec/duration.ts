/** Durations as the spec writes them: `500ms`, `30s`, `5m`, `1h`. */
export const DURATION_PATTERN = /^(\d+)(ms|s|m|h)$/;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/**
 * Every duration a spec or a flag accepts lies between two bounds. Nothing
 * accepted is longer than a day: Node's timers fire after 1 ms for delays above
 * 2^31-1 ms (~24.8 days), and a zero timeout or interval means "wait forever"
 * or "spin" to the libraries underneath. Bounds are written as durations.
 */
export interface DurationBounds {
  min: string;
  max: string;
}

/** Milliseconds for a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, keyof typeof UNIT_MS];
  return Number(amount) * UNIT_MS[unit];
}

/** True when `text` is a duration within `bounds` (both ends included). */
export function isWithin(text: string, bounds: DurationBounds): boolean {
  const value = parseDuration(text);
  return value !== undefined && value >= boundMs(bounds.min) && value <= boundMs(bounds.max);
}

/** `from 1s to 10m` — how messages and the JSON Schema state a range. */
export function describeBounds(bounds: DurationBounds): string {
  return `from ${bounds.min} to ${bounds.max}`;
}

export function boundMs(bound: string): number {
  const value = parseDuration(bound);
  if (value === undefined) throw new Error(`bug: duration bound "${bound}" is not a duration`);
  return value;
}

/** The shortest spec spelling of a duration, for messages and plans. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
