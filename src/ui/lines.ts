/**
 * The plain renderer for non-terminals (CI logs, pipes): one readable,
 * timestamped line per meaningful event, then the summary. Never redraws,
 * never waits: writes go to the stream's buffer and emit returns.
 */
import type { RunEventListener } from '../engine/index.js';
import type { TextSink } from './format.js';
import { describeEvent } from './describe.js';
import { clockFormatter } from './format.js';
import { initialRunView, reduce } from './run-view.js';
import { summaryLines } from './summary.js';

export interface LineRendererOptions {
  /** IANA zone for the `[12:01:03]` stamps; the machine's when omitted. */
  timeZone?: string;
}

export function createLineRenderer(out: TextSink, options: LineRendererOptions = {}): RunEventListener {
  let view = initialRunView();
  const clock = clockFormatter(options.timeZone);
  return (event) => {
    const described = describeEvent(event, view);
    view = reduce(view, event);
    const stamp = `[${clock(event.at)}]`;
    if (event.type === 'run.finished') {
      const [first, ...rest] = summaryLines(view);
      const indent = ' '.repeat(stamp.length);
      out.write([`${stamp} ${first ?? ''}`, ...rest.map((line) => `${indent} ${line}`)].join('\n') + '\n');
      return;
    }
    if (described !== undefined) out.write(`${stamp} ${described.text}\n`);
  };
}
