/**
 * When a freeze window is open, and which opens next — in the window's time
 * zone, across the nights daylight saving time starts and ends.
 */
import { describe, expect, it } from 'vitest';
import type { FreezeWindow } from '../../spec/model.js';
import { freezeWindow } from '../../spec/freeze.js';
import { checkFreeze } from './guard.js';
import { activeWindows, describeInstant, nextWindow } from './windows.js';
import { ExitCode } from '../../core/exit-codes.js';

const weekly = (text: string, reason = 'weekend', allowRollback = true): FreezeWindow =>
  freezeWindow({ reason, weekly: text, timeZone: 'Europe/Berlin', allowRollback });
const at = (iso: string) => Date.parse(iso);
const open = (windows: FreezeWindow[], iso: string) =>
  activeWindows(windows, at(iso)).map((span) => [
    new Date(span.startMs).toISOString(),
    new Date(span.endMs).toISOString(),
  ]);

describe('weekly freeze windows', () => {
  const weekend = [weekly('Fri 16:00 - Mon 08:00')];

  it('open at 16:00 Berlin time on Friday, closed again at 08:00 on Monday (winter: UTC+1)', () => {
    expect(open(weekend, '2026-12-04T14:59:00Z')).toEqual([]);
    expect(open(weekend, '2026-12-04T15:00:00Z')).toEqual([['2026-12-04T15:00:00.000Z', '2026-12-07T07:00:00.000Z']]);
    expect(open(weekend, '2026-12-06T23:00:00Z')).toHaveLength(1);
    expect(open(weekend, '2026-12-07T06:59:00Z')).toHaveLength(1);
    expect(open(weekend, '2026-12-07T07:00:00Z')).toEqual([]);
  });

  it('follows summer time: the same wall-clock times are an hour earlier in UTC', () => {
    expect(open(weekend, '2026-07-03T13:59:00Z')).toEqual([]);
    expect(open(weekend, '2026-07-03T14:00:00Z')).toEqual([['2026-07-03T14:00:00.000Z', '2026-07-06T06:00:00.000Z']]);
  });

  it('the weekend clocks go forward is an hour shorter, and the one they go back an hour longer', () => {
    // 29 March 2026: 02:00 CET → 03:00 CEST; 25 October 2026: 03:00 CEST → 02:00 CET
    const [spring] = activeWindows(weekend, at('2026-03-28T12:00:00Z'));
    expect(spring && (spring.endMs - spring.startMs) / 3_600_000).toBe(63);
    const [autumn] = activeWindows(weekend, at('2026-10-24T12:00:00Z'));
    expect(autumn && (autumn.endMs - autumn.startMs) / 3_600_000).toBe(65);
  });

  it('a window that starts at a time the clocks skip opens when they jump', () => {
    // Sun 02:30 does not exist on 29 March 2026 in Berlin; the clocks jump at 01:00 UTC
    const night = [weekly('Sun 02:30 - Sun 05:00', 'night')];
    expect(open(night, '2026-03-29T00:59:00Z')).toEqual([]);
    expect(open(night, '2026-03-29T01:00:00Z')).toEqual([['2026-03-29T01:00:00.000Z', '2026-03-29T03:00:00.000Z']]);
    expect(nextWindow(night, at('2026-03-28T12:00:00Z'))?.startMs).toBe(at('2026-03-29T01:00:00Z'));
  });

  it('within one day (Fri 09:00 - Fri 17:00) and wrapping the week (Sun 20:00 - Mon 06:00)', () => {
    expect(open([weekly('Fri 09:00 - Fri 17:00')], '2026-12-04T12:00:00Z')).toHaveLength(1);
    expect(open([weekly('Fri 09:00 - Fri 17:00')], '2026-12-05T12:00:00Z')).toEqual([]);
    expect(open([weekly('Sun 20:00 - Mon 06:00')], '2026-12-06T23:30:00Z')).toEqual([
      ['2026-12-06T19:00:00.000Z', '2026-12-07T05:00:00.000Z'],
    ]);
  });
});

describe('the next window', () => {
  it('is the soonest start after now, weekly or dated; one already open is not next', () => {
    const windows = [
      weekly('Fri 16:00 - Mon 08:00'),
      freezeWindow({ reason: 'year-end', from: '2026-12-21', to: '2027-01-04', timeZone: 'UTC', allowRollback: true }),
    ];
    const next = nextWindow(windows, at('2026-12-02T10:00:00Z'));
    expect(next && [next.window.reason, describeInstant(next.startMs, 'Europe/Berlin')]).toEqual([
      'weekend',
      'Fri 2026-12-04 16:00 Europe/Berlin',
    ]);
    expect(nextWindow(windows, at('2026-12-19T10:00:00Z'))?.window.reason).toBe('year-end');
    expect(nextWindow(windows, at('2026-12-05T10:00:00Z'))?.startMs).toBe(at('2026-12-11T15:00:00Z'));
  });
});

describe('the check before a run', () => {
  const hard = freezeWindow({
    reason: 'year-end: no changes',
    from: '2026-12-21',
    to: '2027-01-04',
    timeZone: 'Europe/Berlin',
    allowRollback: false,
  });
  const soft = weekly('Fri 16:00 - Mon 08:00');
  const who = { environment: 'production', operator: 'alice' };

  it('refuses inside a window with its own exit code, the reason, and when it ends', () => {
    const checked = checkFreeze([soft], at('2026-12-05T10:00:00Z'), { ...who, rollback: false });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.error.exitCode).toBe(ExitCode.frozen);
    expect(checked.error.message).toBe(
      'production is frozen until Mon 2026-12-07 08:00 Europe/Berlin (Fri 16:00 - Mon 08:00 Europe/Berlin): weekend; nothing was changed',
    );
    expect(checked.error.details.at(-1)).toContain('--override-freeze --reason TEXT');
  });

  it('lets a rollback through where the window allows it, and an override with who and why anywhere', () => {
    expect(checkFreeze([soft], at('2026-12-05T10:00:00Z'), { ...who, rollback: true })).toEqual({
      ok: true,
      value: {
        window: 'Fri 16:00 - Mon 08:00 Europe/Berlin',
        windowReason: 'weekend',
        until: '2026-12-07T07:00:00.000Z',
        by: 'alice',
        allowed: 'rollback',
      },
    });
    const rollbackInHard = checkFreeze([soft, hard], at('2026-12-26T10:00:00Z'), { ...who, rollback: true });
    expect(rollbackInHard.ok ? rollbackInHard.value : rollbackInHard.error.message).toMatch(/year-end: no changes/);
    expect(rollbackInHard.ok).toBe(false);
    const overridden = checkFreeze([soft, hard], at('2026-12-26T10:00:00Z'), {
      ...who,
      rollback: false,
      override: { reason: 'CVE-2026-1234 hotfix' },
    });
    expect(overridden.ok && overridden.value).toMatchObject({
      allowed: 'override',
      by: 'alice',
      reason: 'CVE-2026-1234 hotfix',
      windowReason: 'year-end: no changes',
    });
  });

  it('outside every window: nothing to say', () => {
    expect(checkFreeze([soft, hard], at('2026-12-02T10:00:00Z'), { ...who, rollback: false })).toEqual({
      ok: true,
      value: undefined,
    });
  });
});
