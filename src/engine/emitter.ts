/**
 * Stamps events and hands them out: first to the journal (awaited — it is
 * write-ahead), then to every listener. Listeners must not block the engine:
 * the TUI throttles its own redraws. Secrets are masked here, once, so none
 * reaches the journal, a view, the log or the Git note (a token in a health
 * check's URL or command, credentials in a package manager's error output).
 */
import type { Clock, Journal } from './ports.js';
import type { RunEvent, RunEventBody, RunEventListener } from './events.js';
import { redactSecrets } from '../core/redact.js';
import { JournalUnwritable } from './journal-lost.js';

export type Emit = (body: RunEventBody) => Promise<RunEvent>;

export interface Emitter extends Emit {
  /**
   * To the listeners only: once the journal cannot be written, how the run
   * ended still reaches the views, the log and the operator.
   */
  announce(body: RunEventBody): RunEvent;
}

export function createEmitter(
  runId: string,
  journal: Journal,
  clock: Clock,
  listeners: readonly RunEventListener[],
  firstSeq = 1,
): Emitter {
  let seq = firstSeq - 1;
  let written: Promise<void> = Promise.resolve();
  // Once an append fails, no later event is journaled: a step after a missing record must not run.
  let broken: JournalUnwritable | undefined;
  const attached = [...listeners];
  const stamp = (body: RunEventBody) =>
    redactSecrets({ ...body, runId, seq: ++seq, at: new Date(clock.now()).toISOString() }) as RunEvent;
  const tell = (event: RunEvent): unknown[] => {
    const failures: unknown[] = [];
    for (const listener of [...attached]) {
      try {
        listener(event);
      } catch (error) {
        // A broken view is a bug, but it must not stop a rollout with hosts out
        // of rotation: detach it and say so in the journal.
        attached.splice(attached.indexOf(listener), 1);
        failures.push(error);
      }
    }
    return failures;
  };
  const emit: Emit = async (body) => {
    if (broken) throw broken;
    const event = stamp(body);
    // Appends are chained so the journal keeps the order the events were made in.
    written = written.then(() => journal.append(event));
    try {
      await written;
    } catch (error) {
      broken ??= new JournalUnwritable(error instanceof Error ? error.message : String(error));
      throw broken;
    }
    for (const error of tell(event))
      await emit({
        type: 'log',
        level: 'error',
        message: `a view of the run failed and was detached: ${String(error)}`,
      });
    return event;
  };
  return Object.assign(emit, {
    announce: (body: RunEventBody) => {
      const event = stamp(body);
      tell(event);
      return event;
    },
  });
}
