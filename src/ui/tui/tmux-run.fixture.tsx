/**
 * A TUI run in a real terminal, for the tmux test: `tsx tmux-run.fixture.tsx
 * RESULT_FILE` draws a six-host run up to its first gate, waits for the
 * keyboard's answer, writes it (and any Ctrl-C counts) to RESULT_FILE, then
 * finishes the run so the summary is drawn.
 */
import { appendFileSync } from 'node:fs';
import type { RunEvent } from '../../engine/index.js';
import { scenario } from '../run-events.fixture.js';
import { renderRunTui } from './render.js';

const resultFile = process.argv[2];
if (resultFile === undefined) throw new Error('usage: tmux-run.fixture.tsx RESULT_FILE');
const record = (line: object) => appendFileSync(resultFile, `${JSON.stringify(line)}\n`);

const tui = renderRunTui({ onInterrupt: (count) => record({ interrupt: count }) });
const run = scenario({ hosts: 6 });
// Shift the fixture's clock to now, so elapsed times read naturally.
const events = [...run.untilGate()];
const shift = Date.now() - Date.parse(events[events.length - 1]?.at ?? '');
const now = (event: RunEvent): RunEvent => ({ ...event, at: new Date(Date.parse(event.at) + shift).toISOString() });
events.map(now).forEach(tui.onEvent);

const answer = await tui.approver.await(
  { runId: 'run-1', afterBatch: 1, batches: 2, summary: 'Batch 1/2 done — 3 hosts healthy on demo 1.1', kind: 'pause' },
  new AbortController().signal,
);
record({ answer });
run.emit({ type: 'gate.answered', ...answer });
run.emit({
  type: 'run.finished',
  result: 'aborted',
  exitCode: 3,
  message: `aborted by ${answer.by} after batch 1`,
  changed: run.batchHosts[0] ?? [],
  hostsOut: [],
  durationMs: 42_000,
});
run.events.slice(events.length).map(now).forEach(tui.onEvent); // run.events grew: only the new ones
await tui.waitUntilExit();
record({ exited: true });
