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

export type Emit = (body: RunEventBody) => Promise<RunEvent>;

export function createEmitter(
  runId: string,
  journal: Journal,
  clock: Clock,
  listeners: readonly RunEventListener[],
  firstSeq = 1,
): Emit {
  let seq = firstSeq - 1;
  let written: Promise<void> = Promise.resolve();
  const attached = [...listeners];
  const emit: Emit = async (body) => {
    const event = redactSecrets({ ...body, runId, seq: ++seq, at: new Date(clock.now()).toISOString() }) as RunEvent;
    // Appends are chained so the journal keeps the order the events were made in.
    written = written.then(() => journal.append(event));
    await written;
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
    for (const error of failures)
      await emit({
        type: 'log',
        level: 'error',
        message: `a view of the run failed and was detached: ${String(error)}`,
      });
    return event;
  };
  return emit;
}
