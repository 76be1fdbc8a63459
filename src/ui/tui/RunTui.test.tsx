import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { RunEvent } from '../../engine/index.js';
import type { GateRequest } from '../../engine/index.js';
import { scenario } from '../run-events.fixture.js';
import { createTuiController, type TuiController } from './controller.js';
import { RunTui } from './RunTui.js';

// A CI machine sets CI=true, and Ink then draws no live frames (only the last, at exit); the TUI
// is only ever mounted on a terminal (src/cli/run.ts says so to Ink too). Before Ink loads:
vi.hoisted(() => {
  process.env.CI = 'false';
});

type Rendered = ReturnType<typeof render>;
const mounted: Rendered[] = [];
afterEach(() => {
  mounted.splice(0).forEach((app) => app.unmount());
});

/** Mounts the TUI at 100 columns with the clock pinned `seconds` after the last event. */
function mount(
  events: RunEvent[],
  options: { rows?: number; seconds?: number; onInterrupt?: (n: number) => void } = {},
) {
  const controller = createTuiController({ onInterrupt: options.onInterrupt ?? (() => undefined) });
  events.forEach(controller.onEvent);
  const last = Date.parse(events[events.length - 1]?.at ?? '2025-05-01T12:00:00.000Z');
  const app = render(
    <RunTui
      controller={controller}
      frameMs={5}
      now={() => last + (options.seconds ?? 2) * 1_000}
      timeZone="UTC"
      rows={options.rows ?? 30}
      columns={100}
    />,
  );
  mounted.push(app);
  return { app, controller };
}

const frame = (app: Rendered): string =>
  stripVTControlCharacters(app.lastFrame() ?? '')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');

/** Waits (no sleeps) until the frame satisfies `check`; fails with the last frame. */
async function frameWhere(app: Rendered, check: (text: string) => boolean): Promise<string> {
  await vi.waitFor(
    () => {
      if (!check(frame(app))) throw new Error(`frame not there yet:\n${frame(app)}`);
    },
    { timeout: 15_000, interval: 5 },
  ); // generous: CI machines are loaded; this only bounds a failure
  return frame(app);
}

const gateRequest = (events: RunEvent[]): GateRequest => {
  const gate = events.find((e) => e.type === 'gate.waiting');
  if (gate?.type !== 'gate.waiting') throw new Error('no gate in the fixture');
  return {
    runId: gate.runId,
    afterBatch: gate.afterBatch,
    batches: gate.batches,
    summary: gate.summary,
    kind: 'pause',
  };
};

async function atGate(): Promise<{ app: Rendered; controller: TuiController; answer: Promise<unknown> }> {
  const events = scenario({ hosts: 6 }).untilGate();
  const { app, controller } = mount(events);
  const answer = controller.approver.await(gateRequest(events), new AbortController().signal);
  await frameWhere(app, (text) => text.includes('[a] approve'));
  return { app, controller, answer };
}

describe('run TUI', () => {
  it('given a run mid-batch, when drawn, then hosts show state, versions, step time and health; the group bar counts who is out', async () => {
    const events = scenario({ hosts: 4 }).success();
    const upgrading = events.findIndex((e) => e.type === 'host.upgrade.started' && e.host === 'web-02');
    const { app } = mount(events.slice(0, upgrading + 1), { seconds: 3 });
    expect(await frameWhere(app, (text) => text.includes('upgrading'))).toMatchInlineSnapshot(`
      "lieutenant web on staging · a1b2c3d "web: demo 1.1" · alice · 20s
      run run-1 · 4 hosts in 2 batches · 1 upgrading · 1 in rotation · 2 waiting
      ▶ batch 1/2 web (2 hosts) 1 upgrading · 1 in rotation
        ✔ web-01 in rotation  demo 1.0 → 1.1
        ⠋ web-02 upgrading    demo 1.0 → 1.1    upgrade 3s
      · batch 2/2 pending (2 hosts)
      web  ███████████████░░░░░ 3 in rotation · 0 draining · 1 out
      12:00:11 web-01 healthy (2/2)
      12:00:13 web-01 back in rotation
      12:00:15 web-02 draining (edge)
      12:00:16 web-02 out of rotation"
    `);
  });

  it('given a gate, when drawn, then it shows the summary and the keys', async () => {
    const { app } = await atGate();
    expect(frame(app)).toMatchInlineSnapshot(`
      "lieutenant web on staging · a1b2c3d "web: demo 1.1" · alice · 42s
      run run-1 · 6 hosts in 2 batches · 3 in rotation · 3 waiting
      ✔ batch 1/2 web  3 in rotation
      · batch 2/2 pending (3 hosts)
      web  ████████████████████ 6 in rotation · 0 draining · 0 out
      12:00:35 web-03 healthy (2/2)
      12:00:37 web-03 back in rotation
      12:00:39 batch 1/2 done
      12:00:40 gate: batch 1/2 done — 3 hosts healthy on demo 1.1; waiting for approval (lieutenant appro…
      ╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
      │ Batch 1/2 done — 3 hosts healthy on demo 1.1.                                                    │
      │ [a] approve  [x] abort and roll back  [h] halt  [d] details                                      │
      ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it('given a gate, when `a` is pressed and a reason typed, then the approver resolves with approve and the reason', async () => {
    const { app, answer } = await atGate();
    app.stdin.write('a');
    await frameWhere(app, (text) => text.includes('reason (enter to skip'));
    app.stdin.write('graphs look fine');
    await frameWhere(app, (text) => text.includes('graphs look fine'));
    app.stdin.write('\r');
    await expect(answer).resolves.toEqual({ decision: 'approve', by: 'alice', reason: 'graphs look fine' });
  });

  it('given a gate, when a reason arrives with its line break in one chunk (a paste), then the approver still resolves', async () => {
    const { app, answer } = await atGate();
    app.stdin.write('a');
    await frameWhere(app, (text) => text.includes('reason (enter to skip'));
    app.stdin.write('canary fine\r');
    await expect(answer).resolves.toEqual({ decision: 'approve', by: 'alice', reason: 'canary fine' });
  });

  it('given a gate, when `x` then enter are pressed, then the approver resolves with abort and no reason', async () => {
    const { app, answer } = await atGate();
    app.stdin.write('x');
    await frameWhere(app, (text) => text.includes('abort and roll back — reason'));
    app.stdin.write('\r');
    await expect(answer).resolves.toEqual({ decision: 'abort', by: 'alice' });
  });

  it('given a gate, when `d` is pressed, then the hosts of the batch just done are listed', async () => {
    const { app } = await atGate();
    app.stdin.write('d');
    const text = await frameWhere(app, (t) => t.includes('web-02'));
    expect(text).toContain('✔ batch 1/2 web (3 hosts) 3 in rotation');
    expect(text).toMatch(/✔ web-01 in rotation +demo 1\.0 → 1\.1/);
  });

  it('given an answer from the keyboard, when the engine has not confirmed it yet, then the prompt says it was sent', async () => {
    const { app, answer } = await atGate();
    app.stdin.write('h');
    await frameWhere(app, (t) => t.includes('halt — reason'));
    app.stdin.write('\r');
    await expect(answer).resolves.toEqual({ decision: 'halt', by: 'alice' });
    expect(await frameWhere(app, (t) => t.includes('halt: sent'))).not.toContain('[a] approve');
  });

  it('given a timed gate, when drawn, then it counts down', async () => {
    const events = scenario({ hosts: 4, pause: 'timed' }).untilGate();
    const { app } = mount(events, { seconds: 12 });
    expect(await frameWhere(app, (text) => text.includes('Continuing in'))).toContain(
      'Batch 1/2 done — 2 hosts healthy on demo 1.1. Continuing in 18s.',
    );
  });

  it('given a failure with rollback, when the run ends, then the failed batch, the rollback and the summary show', async () => {
    const { app } = mount(scenario({ hosts: 4 }).failure());
    expect(await frameWhere(app, (text) => text.includes('failed, rolled back'))).toMatchInlineSnapshot(`
      "lieutenant web on staging · a1b2c3d "web: demo 1.1" · alice · 45s
      run run-1 · 4 hosts in 2 batches · 2 rolled back · 2 waiting
      ✘ batch 1/2 web (2 hosts) 2 rolled back
        ↩ web-01 rolled back  demo 1.1 → 1.0
        ↩ web-02 rolled back  demo 1.1 → 1.0    GET /health answered 500 for 60s
      · batch 2/2 pending (2 hosts)
      web  ████████████████████ 4 in rotation · 0 draining · 0 out
      12:00:43 web-02 rolled back
      12:00:44 batch 1/2 failed
      12:00:45 run rolled-back: web-02 failed its health gate; batch 1 rolled back
      ╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
      │ failed, rolled back in 45s: web-02 failed its health gate; batch 1 rolled back                   │
      │ hosts: 0 changed, 2 rolled back                                                                  │
      ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it('given a successful run, when it ends, then the summary says how to roll back', async () => {
    const { app } = mount(scenario({ hosts: 4 }).success());
    expect(await frameWhere(app, (text) => text.includes('to roll back'))).toMatchInlineSnapshot(`
      "lieutenant web on staging · a1b2c3d "web: demo 1.1" · alice · 1m 15s
      run run-1 · 4 hosts in 2 batches · 4 in rotation
      ✔ batch 1/2 web  2 in rotation
      ✔ batch 2/2 web  2 in rotation
      web  ████████████████████ 4 in rotation · 0 draining · 0 out
      12:01:12 web-04 back in rotation
      12:01:14 batch 2/2 done
      12:01:15 run succeeded: 4 hosts on demo 1.1
      ╭──────────────────────────────────────────────────────────────────────────────────────────────────╮
      │ done in 1m 15s: 4 hosts on demo 1.1                                                              │
      │ hosts: 4 changed                                                                                 │
      │ to roll back: lieutenant revert a1b2c3d --run                                                    │
      ╰──────────────────────────────────────────────────────────────────────────────────────────────────╯"
    `);
  });

  it('given an analysis measuring, when drawn, then each metric shows a mark per measurement, what is still to come, and the last value', async () => {
    const events = scenario({ hosts: 4 }).untilAnalysisGate(2);
    const { app } = mount(events);
    const text = await frameWhere(app, (t) => t.includes('Analysis after batch 1'));
    expect(text).toContain('Analysis after batch 1: measuring 2/3, every 1s');
    expect(text).toContain('errors  ??· (pass < 0.05, fail >= 0.2) 4 responses since the batch returned');
    expect(text).toContain('latency ✓✓· (pass < 0.3, fail >= 1) 0.12 — 0.12 < 0.3');
  });

  it('given an inconclusive analysis waiting for a person, when drawn and answered with a, then the gate says --yes does not answer it, and the keys answer it', async () => {
    const events = scenario({ hosts: 4 }).untilAnalysisGate();
    const { app, controller } = mount(events);
    const gate = events.find((e) => e.type === 'gate.waiting');
    if (gate?.type !== 'gate.waiting') throw new Error('no gate');
    const answer = controller.approver.await(
      { runId: gate.runId, afterBatch: 1, batches: 2, summary: gate.summary, kind: 'analysis' },
      new AbortController().signal,
    );
    const text = await frameWhere(app, (t) => t.includes('[a] approve'));
    expect(text).toContain('Analysis after batch 1: inconclusive — a person decides (--yes does not answer)');
    expect(text).toContain('errors  ??? inconclusive (pass < 0.05, fail >= 0.2)');
    expect(text).toContain('latency ✓✓✓ pass (pass < 0.3, fail >= 1)');
    expect(text).toContain('Batch 1/2: analysis inconclusive — errors: 3 of 3 measurements inconclusive');
    app.stdin.write('a');
    await frameWhere(app, (t) => t.includes('reason'));
    app.stdin.write('\r');
    await expect(answer).resolves.toMatchObject({ decision: 'approve' });
  });

  it('given 1,000 hosts mid-way through the second batch, when drawn in 30 rows, then it fits and shows counts', async () => {
    const events = scenario({ hosts: 1_000 }).success();
    const midway = events.findIndex((e) => e.type === 'host.upgrade.started' && e.host === 'web-0750');
    const { app } = mount(events.slice(0, midway + 1), { rows: 30 });
    const text = await frameWhere(app, (t) => t.includes('web-0750'));
    expect(text.split('\n').length).toBeLessThan(30);
    expect(text).toContain('✔ batch 1/2 web  500 in rotation');
    expect(text).toContain('▶ batch 2/2 web (500 hosts) 1 upgrading · 249 in rotation · 250 waiting');
    expect(text).toContain('999 in rotation · 0 draining · 1 out');
    expect(text).toContain('… 499 more hosts');
    // The host being worked on is listed first, not lost among the 499 others.
    const rows = text.split('\n');
    const batchLine = rows.findIndex((row) => row.startsWith('▶ batch 2/2'));
    expect(rows[batchLine + 1]).toContain('web-0750');
    expect(text).not.toContain('web-0751'); // waiting hosts are only counted
  });

  it('given a flood of events, when drawn, then redraws stay near 10 a second and the engine never waits', async () => {
    // Given a TUI on a 100ms frame clock
    const controller = createTuiController({ onInterrupt: () => undefined });
    const app = render(<RunTui controller={controller} frameMs={100} timeZone="UTC" rows={30} columns={100} />);
    mounted.push(app);
    const events = scenario({ hosts: 1_000 }).success().slice(0, -1);
    // When 14,000 events arrive in slices, yielding to the event loop between them
    const started = performance.now();
    let drawnWhileEmitting = 0;
    for (let i = 0; i < events.length; i += 200) {
      const before = app.frames.length;
      events.slice(i, i + 200).forEach(controller.onEvent);
      drawnWhileEmitting += app.frames.length - before;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await frameWhere(app, (text) => text.includes('web-1000'));
    const elapsed = performance.now() - started;
    // Then: frames are bounded by the clock, not by the events, and none is drawn inside the engine's emit
    expect(app.frames.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 3);
    expect(drawnWhileEmitting).toBe(0);
  });

  it('given Ctrl-C, when pressed twice, then the CLI hears 1 then 2 and the screen says it is stopping', async () => {
    const heard: number[] = [];
    const events = scenario({ hosts: 4 }).success();
    const { app } = mount(events.slice(0, 10), { onInterrupt: (n) => heard.push(n) });
    await frameWhere(app, (text) => text.includes('lieutenant web'));
    app.stdin.write('\u0003');
    expect(await frameWhere(app, (text) => text.includes('stopping'))).toContain(
      'stopping: finishing hosts in flight… (Ctrl-C again to force)',
    );
    app.stdin.write('\u0003');
    await frameWhere(app, (text) => text.includes('stopping now'));
    expect(heard).toEqual([1, 2]);
  });
});
