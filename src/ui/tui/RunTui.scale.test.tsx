/** The TUI at 1,000 hosts: counts instead of lists, only hosts in flight or failed, a filter, ≤ 10 redraws a second. */
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../engine/index.js';
import { scenario } from '../run-events.fixture.js';
import type { GroupView } from '../run-view.js';
import { createTuiController } from './controller.js';
import { LoadBalancerBars } from './LoadBalancerBars.js';
import { RunTui } from './RunTui.js';

// Ink draws no live frames under CI=true (see RunTui.test.tsx); before Ink loads:
vi.hoisted(() => {
  process.env.CI = 'false';
});

type Rendered = ReturnType<typeof render>;
const mounted: Rendered[] = [];
afterEach(() => {
  mounted.splice(0).forEach((app) => app.unmount());
  vi.useRealTimers();
});

const ROWS = 30;
const frame = (app: Rendered): string =>
  stripVTControlCharacters(app.lastFrame() ?? '')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');

async function frameWhere(app: Rendered, check: (text: string) => boolean): Promise<string> {
  await vi.waitFor(
    () => {
      if (!check(frame(app))) throw new Error(`frame not there yet:\n${frame(app)}`);
    },
    { timeout: 15_000, interval: 5 },
  );
  return frame(app);
}

/** 1,000 hosts in 10 batches of 100, stopped in batch 4 with web-0350 upgrading; then 2 more in flight and 2 failed. */
function midBatchFour(): RunEvent[] {
  const events = scenario({ hosts: 1_000, batchSizes: Array(10).fill(100), pause: 'none' }).success();
  const at = events.findIndex((e) => e.type === 'host.upgrade.started' && e.host === 'web-0350');
  const upgrading = events[at];
  if (upgrading?.type !== 'host.upgrade.started') throw new Error('no upgrade of web-0350');
  const more = (seq: number, body: Record<string, unknown>) => ({ ...upgrading, seq, ...body }) as RunEvent;
  return [
    ...events.slice(0, at + 1),
    more(upgrading.seq + 1, { host: 'web-0361' }),
    more(upgrading.seq + 2, { host: 'web-0372' }),
    more(upgrading.seq + 3, {
      type: 'host.failed',
      host: 'web-0380',
      group: 'web',
      step: 'health',
      reason: 'GET /health answered 500',
      outOfRotation: true,
    }),
    more(upgrading.seq + 4, {
      type: 'host.failed',
      host: 'web-0399',
      group: 'web',
      step: 'upgrade',
      reason: 'apt-get exited 100',
      outOfRotation: true,
    }),
  ];
}

function mount(events: RunEvent[]) {
  const controller = createTuiController({ onInterrupt: () => undefined });
  events.forEach(controller.onEvent);
  const last = Date.parse(events[events.length - 1]?.at ?? '2025-05-01T12:00:00.000Z');
  const app = render(
    <RunTui controller={controller} frameMs={5} now={() => last + 2_000} timeZone="UTC" rows={ROWS} columns={100} />,
  );
  mounted.push(app);
  return app;
}

/** The host rows under the expanded batch line (or the filter line). */
const rowsUnder = (text: string, heading: RegExp): string[] => {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => heading.test(line));
  const rows: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ') || line.startsWith('    …')) break;
    rows.push(line.trim().split(/\s+/)[1] ?? '');
  }
  return rows;
};

describe('run TUI at 1,000 hosts', () => {
  it('given batch 4 of 10 under way, when drawn in 30 rows, then batches are counts and only the hosts in flight or failed are listed', async () => {
    const app = mount(midBatchFour());
    const text = await frameWhere(app, (t) => t.includes('web-0399'));
    expect(text.split('\n').length).toBeLessThan(ROWS);
    expect(text).toContain('✔ batch 1/10 web  100 in rotation');
    expect(text).toContain('✔ batch 3/10 web  100 in rotation');
    expect(text).toContain('▶ batch 4/10 web (100 hosts) 2 failed · 3 upgrading · 49 in rotation · 46 waiting');
    expect(text).toContain('· batches 5–10/10 pending (600 hosts)');
    expect(rowsUnder(text, /^▶ batch 4\/10/)).toEqual(['web-0380', 'web-0399', 'web-0350', 'web-0361', 'web-0372']);
    expect(text).toContain('… 95 more hosts');
  });

  it('given the same run, when / then "web-09" and Enter are typed, then only matching hosts are listed; Esc brings the batches back', async () => {
    const app = mount(midBatchFour());
    await frameWhere(app, (t) => t.includes('web-0399'));
    app.stdin.write('/');
    await frameWhere(app, (t) => t.includes('filter: /'));
    app.stdin.write('web-09');

    await frameWhere(app, (t) => t.includes('filter: /web-09'));
    app.stdin.write('\r');
    const text = await frameWhere(app, (t) => t.includes('/web-09 100 hosts match') && !t.includes('filter: /'));
    expect(text.split('\n').length).toBeLessThan(ROWS);
    const rows = rowsUnder(text, /^\/web-09 /);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((name) => name.startsWith('web-09'))).toBe(true);
    expect(text).not.toContain('▶ batch 4/10');

    app.stdin.write('/');
    await frameWhere(app, (t) => t.includes('filter: /'));
    app.stdin.write('failed\r');
    const failed = await frameWhere(app, (t) => t.includes('/failed 2 hosts match'));
    expect(rowsUnder(failed, /^\/failed /)).toEqual(['web-0380', 'web-0399']);

    app.stdin.write('\u001b');
    expect(await frameWhere(app, (t) => t.includes('▶ batch 4/10'))).not.toContain('hosts match');
  });

  it('given a flood of events and a gate question every 10ms, when 2 seconds pass on a fake clock, then at most 10 frames a second are drawn', async () => {
    // Given a TUI on a 100ms frame clock, the clock fake (React's own scheduling stays real)
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const events = scenario({ hosts: 1_000 }).success().slice(0, -1);
    const controller = createTuiController({ onInterrupt: () => undefined });
    events.slice(0, 2).forEach(controller.onEvent);
    const app = render(<RunTui controller={controller} frameMs={100} timeZone="UTC" rows={ROWS} columns={100} />);
    mounted.push(app);
    const settle = async () => {
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    await settle();
    const before = app.frames.length;
    const stopping = { ...events[1], type: 'run.stopping', reason: 'operator', force: false } as RunEvent;
    // When, for 2 s in 10ms steps: 50 events and one that asks to be shown at once
    let next = 2;
    for (let step = 0; step < 200; step++) {
      events.slice(next, next + 50).forEach(controller.onEvent);
      next += 50;
      controller.onEvent(stopping);
      vi.advanceTimersByTime(10);
      await settle();
    }
    // Then 10 a second, and the one the count starts on (drawn at once, the clock's first tick is 100ms on)
    const drawn = app.frames.length - before;
    expect(drawn).toBeGreaterThan(0);
    expect(drawn).toBeLessThanOrEqual(2 * 10 + 1);
  });
});

describe('load-balancer bars with many groups', () => {
  it('given 12 groups, 2 with hosts out, when drawn with room for 3, then those 2 come first and the other 10 fold into one line of counts', () => {
    const groups: GroupView[] = Array.from({ length: 12 }, (_, i) => ({
      name: `g${String(i + 1).padStart(2, '0')}`,
      size: 100,
      inRotation: i === 4 ? 97 : i === 9 ? 99 : 100,
      draining: i === 4 ? 1 : 0,
      out: i === 4 ? 2 : i === 9 ? 1 : 0,
    }));
    const app = render(<LoadBalancerBars groups={groups} max={3} />);
    mounted.push(app);
    const lines = frame(app).split('\n');
    expect(lines.map((line) => line.split(' ')[0])).toEqual(['g05', 'g10', 'g01', '…']);
    expect(lines[3]).toBe('… 9 more groups: 900 in rotation · 0 draining · 0 out');
  });
});
