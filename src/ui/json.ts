/**
 * `--json`: one JSON object per line — every event exactly as the engine
 * emitted it, then a `{"type":"summary",...}` object when the run finishes.
 */
import type { RunEventListener } from '../engine/index.js';
import type { TextSink } from './format.js';
import { initialRunView, reduce } from './run-view.js';
import { summaryObject } from './summary.js';

export function createJsonRenderer(out: TextSink): RunEventListener {
  let view = initialRunView();
  return (event) => {
    view = reduce(view, event);
    out.write(`${JSON.stringify(event)}\n`);
    if (event.type === 'run.finished') out.write(`${JSON.stringify(summaryObject(view))}\n`);
  };
}
