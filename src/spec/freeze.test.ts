/**
 * `freeze:` in an inventory: what validates, where errors point, and what a
 * valid entry becomes (instants in the window's time zone, DST included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSpecError } from './errors.js';
import fc from 'fast-check';
import { dateInstant, parseWeekly, weeklyProblem } from './freeze.js';
import { FreezeWindow } from './schema.js';
import { loadRepo, loadRollout } from './repo.js';
import { fixtureFiles, makeSpecRepo, type SpecRepo } from './testing/spec-repo.js';

const INV = 'inventories/staging.yaml';
let example: Record<string, string>;
const repos: SpecRepo[] = [];
beforeAll(async () => {
  example = await fixtureFiles('example');
});
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.remove()));
});

async function withFreeze(freeze: string) {
  const repo = await makeSpecRepo();
  repos.push(repo);
  await repo.commit({ ...example, [INV]: `${example[INV] ?? ''}freeze:\n${freeze}` });
  return repo;
}

describe('freeze windows in the inventory', () => {
  it('a weekly window and a dated one, in named zones, become the instants they name', async () => {
    // Given an inventory with a weekly window in Berlin and a dated one in New York
    const repo = await withFreeze(
      [
        '  - reason: weekend',
        '    weekly: "Fri 16:00 - Mon 08:00"',
        '    timeZone: Europe/Berlin',
        '  - reason: year-end',
        '    from: "2026-12-21"',
        '    to: "2027-01-04"',
        '    timeZone: America/New_York',
        '    allowRollback: false',
        '',
      ].join('\n'),
    );
    // When the rollout is loaded
    const loaded = await loadRollout(repo.dir, 'web');
    if (!loaded.ok) throw new Error(loaded.error.map(formatSpecError).join('\n'));
    // Then the weekly window is wall-clock days and minutes, and the dates are whole days in New York
    expect(loaded.value.rollout.freeze).toEqual([
      {
        kind: 'weekly',
        reason: 'weekend',
        timeZone: 'Europe/Berlin',
        allowRollback: true,
        start: { day: 4, minute: 16 * 60 },
        end: { day: 0, minute: 8 * 60 },
        label: 'Fri 16:00 - Mon 08:00 Europe/Berlin',
      },
      {
        kind: 'dates',
        reason: 'year-end',
        timeZone: 'America/New_York',
        allowRollback: false,
        startMs: Date.parse('2026-12-21T05:00:00Z'),
        endMs: Date.parse('2027-01-05T05:00:00Z'), // the end of Jan 4th in New York (EST, UTC-5)
        label: '2026-12-21 – 2027-01-04 America/New_York',
      },
    ]);
  });

  it.each([
    ['    weekly: "Friday 16:00 to Monday"\n', 'a weekly window such as "Fri 16:00 - Mon 08:00"'],
    [
      '    weekly: "Fri 16:00 - Mon 08:00"\n    timeZone: Europe/Berlinn\n',
      'an IANA time zone such as "Europe/Berlin"',
    ],
    ['    from: "2027-01-04"\n    to: "2026-12-21"\n', 'from: must be a real date before to:'],
    ['    from: "2026-02-30"\n    to: "2026-03-02"\n', 'from: must be a real date before to:'],
    ['    from: "2026-12-21"\n', 'a dated freeze window needs both from: and to:'],
    ['    weekly: "Fri 16:00 - Mon 08:00"\n    from: "2026-12-21"\n    to: "2027-01-04"\n', 'either weekly'],
    ['    from: "21.12.2026"\n    to: "2027-01-04"\n', 'a date "2026-12-21" or date and time "2026-12-21 08:00"'],
    ['    weekly: "Tue 10:00 - Tue 10:00"\n', 'starts and ends at the same time'],
    ['    weekly: "Tue 16:00 - Tue 08:00"\n', 'ends before it starts on the same day'],
  ])('refuses %j, saying what would be valid, at the inventory', async (entry, says) => {
    const repo = await withFreeze(`  - reason: x\n${entry}`);
    const loaded = await loadRepo(repo.dir);
    expect(loaded.ok).toBe(false);
    const errors = loaded.ok ? [] : loaded.error.map(formatSpecError);
    expect(errors.join('\n')).toContain(says);
    expect(errors.every((line) => line.startsWith(`${INV}:`))).toBe(true);
  });

  it('a window without a reason is refused: whoever is refused must read why', async () => {
    const repo = await withFreeze('  - weekly: "Fri 16:00 - Mon 08:00"\n');
    const loaded = await loadRepo(repo.dir);
    expect(loaded.ok ? '' : loaded.error.map(formatSpecError).join('\n')).toMatch(
      /inventories\/staging\.yaml:\d+:\d+: .*reason/,
    );
  });
});

describe('freeze times', () => {
  it.each([
    ['Fri 16:00 - Mon 08:00', { start: { day: 4, minute: 960 }, end: { day: 0, minute: 480 } }],
    ['saturday 0:00 – sunday 23:59', { start: { day: 5, minute: 0 }, end: { day: 6, minute: 1439 } }],
  ])('%s reads as days and minutes', (text, expected) => {
    expect(parseWeekly(text)).toEqual(expected);
  });

  it('a date-time that does not exist in the zone (clocks go forward) is the moment they jump', () => {
    // 2026-03-29 02:30 does not exist in Berlin: at 02:00 CET the clocks read 03:00 CEST (01:00 UTC)
    expect(dateInstant('2026-03-29 02:30', 'Europe/Berlin', 'start')).toBe(Date.parse('2026-03-29T01:00:00Z'));
    // 2026-10-25 02:30 happens twice in Berlin: the first (CEST) is meant
    expect(dateInstant('2026-10-25 02:30', 'Europe/Berlin', 'start')).toBe(Date.parse('2026-10-25T00:30:00Z'));
    // A date alone: its start for from:, its end for to: — a 23-hour day in Berlin that Sunday
    expect(dateInstant('2026-03-29', 'Europe/Berlin', 'start')).toBe(Date.parse('2026-03-28T23:00:00Z'));
    expect(dateInstant('2026-03-29', 'Europe/Berlin', 'end')).toBe(Date.parse('2026-03-29T22:00:00Z'));
  });
});

const WEEK = 7 * 24 * 60;
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun', 'monday', 'SUNDAY', 'fri'];

describe('the weekly freeze parser, fuzzed', () => {
  const moment = fc.record({
    day: fc.constantFrom(...DAY_NAMES),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
  });
  const text = ({ day, hour, minute }: { day: string; hour: number; minute: number }) =>
    `${day} ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

  it('accepts exactly the windows that mean one span shorter than a week, and reads that span', () => {
    fc.assert(
      fc.property(moment, moment, fc.constantFrom(' - ', '-', ' – ', '  -  '), (from, to, dash) => {
        const weekly = `${text(from)}${dash}${text(to)}`;
        const parsed = parseWeekly(weekly);
        expect(parsed).toBeDefined();
        const { start, end } = parsed!;
        const accepted = FreezeWindow.safeParse({ reason: 'x', weekly }).success;
        const length = ((((end.day - start.day) * 1440 + end.minute - start.minute) % WEEK) + WEEK) % WEEK;
        // Refused exactly when it would be nothing or wrap round the week on one day
        expect(accepted).toBe(!(start.day === end.day && end.minute <= start.minute));
        expect(accepted).toBe(weeklyProblem(weekly) === undefined);
        if (accepted) expect(length).toBeGreaterThan(0);
        if (accepted && start.day === end.day) expect(length).toBeLessThan(1440);
        expect(start.minute).toBe(from.hour * 60 + from.minute);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on any text, and accepts none that is not the pattern', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (weekly) => {
        expect(() => weeklyProblem(weekly)).not.toThrow();
        const accepted = FreezeWindow.safeParse({ reason: 'x', weekly }).success;
        if (accepted) expect(parseWeekly(weekly)).toBeDefined();
      }),
      { numRuns: 2000 },
    );
  });
});
