/**
 * Does watching a run slow it down? The same 1,000-host rollout (10% batches,
 * 50 hosts at once) runs through the engine against the in-memory fake world
 * in virtual time, so the figures are the engine's own CPU cost plus that of
 * each view: none, the plain line renderer, and the Ink TUI really rendering
 * (to an off-screen stream, 100 ms frames). Prints figures — for the TUI also
 * the frames it drew and how many a second of the run that was (the TUI
 * promises at most 10; in virtual time the engine seldom yields to the frame
 * clock, so this row is mostly the cost of keeping the view up to date —
 * src/ui/tui/RunTui.test.tsx measures drawing under a real-time flood) —;
 * asserts nothing. BENCH_ROUNDS=1 for a quick look.
 *
 *   npx tsx bench/engine-views.bench.ts
 */
import { PassThrough, Writable } from 'node:stream';
import { createElement } from 'react';
import { render } from 'ink';
import type { RunEventListener } from '../src/engine/index.js';
import { runScenario } from '../src/engine/testing/run-scenario.js';
import { createLineRenderer } from '../src/ui/lines.js';
import { createTuiController } from '../src/ui/tui/controller.js';
import { RunTui } from '../src/ui/tui/RunTui.js';

const HOSTS = 1_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** Frames written to the off-screen terminals, for the TUI's row. */
let framesWritten = 0;

function offscreen(): Writable & { columns: number; rows: number } {
  const stream = new Writable({
    write: (_chunk, _encoding, done) => {
      framesWritten += 1;
      done();
    },
  }) as Writable & {
    columns: number;
    rows: number;
  };
  stream.columns = 120;
  stream.rows = 40;
  return stream;
}

/** A keyboard that is never pressed but, like a terminal, supports raw mode (Ink's input hook needs it). */
function idleKeyboard(): NodeJS.ReadStream {
  return Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: () => undefined,
    ref: () => undefined,
    unref: () => undefined,
  }) as unknown as NodeJS.ReadStream;
}

type View = { name: string; attach: () => { listener?: RunEventListener; close: () => void } };

const views: View[] = [
  { name: 'no view', attach: () => ({ close: () => undefined }) },
  {
    name: 'line renderer',
    attach: () => ({ listener: createLineRenderer({ write: () => true }), close: () => undefined }),
  },
  {
    name: 'Ink TUI',
    attach: () => {
      const controller = createTuiController({ onInterrupt: () => undefined });
      const instance = render(createElement(RunTui, { controller, frameMs: 100 }), {
        stdout: offscreen() as unknown as NodeJS.WriteStream,
        stdin: idleKeyboard(),
        patchConsole: false,
        maxFps: 10,
      });
      return { listener: controller.onEvent, close: () => instance.unmount() };
    },
  },
];

async function measure(view: View): Promise<{ ms: number; events: number; frames: number }> {
  framesWritten = 0;
  const attached = view.attach();
  const started = performance.now();
  const { events } = await runScenario({
    fixture: { groups: [{ hosts: HOSTS }], batches: ['10%'], concurrency: 50, maxUnavailable: '10%' },
    ...(attached.listener ? { onEvent: attached.listener } : {}),
  });
  const ms = performance.now() - started;
  const frames = framesWritten;
  attached.close();
  return { ms, events: events.length, frames };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

console.log(`engine + view, ${HOSTS} hosts, median of ${ROUNDS} runs (virtual time: only CPU is measured)`);
let baseline = NaN;
for (const view of views) {
  await measure(view); // warm-up
  const runs: number[] = [];
  let events = 0;
  let frames = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const result = await measure(view);
    runs.push(result.ms);
    events = result.events;
    frames = result.frames;
  }
  const ms = median(runs);
  if (Number.isNaN(baseline)) baseline = ms;
  console.log(
    `  ${view.name.padEnd(14)} ${ms.toFixed(0).padStart(6)} ms  ${events} events  ${(ms / baseline).toFixed(2)}× the engine alone` +
      (frames > 0 ? `  ${frames} frames drawn (${((frames * 1_000) / ms).toFixed(1)} a second)` : ''),
  );
}
