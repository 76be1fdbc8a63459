/**
 * The serial loop: one cycle at a time, ever. Timer ticks and webhook pushes
 * only queue a trigger; the loop takes everything queued so far into the next
 * cycle (ten pushes during a run become one cycle after it), so two runs
 * never overlap and a push never waits for the interval.
 *
 * Stopping: once `signal` aborts, nothing new is taken; the cycle in flight
 * sees the same signal (its run stops safely) and the loop ends after it.
 */
import { ExitCode } from '../../core/exit-codes.js';
import type { Clock } from '../../engine/index.js';
import type { Cycle, Trigger } from './ports.js';

export interface WatchLoopOptions {
  clock: Clock;
  intervalMs: number;
  /** One cycle, then stop (cron, tests). */
  once: boolean;
  signal: AbortSignal;
  cycle: Cycle;
  /** A cycle threw: a bug. Reported, and the loop carries on with the next one. */
  onCrash: (error: unknown) => void;
}

export interface WatchLoop {
  /** Queues a trigger and wakes the loop if it is waiting for the interval. */
  enqueue(trigger: Trigger): void;
  /** Resolves when the loop has stopped: the worst exit code with `once`, else 0. */
  done: Promise<number>;
}

export function startWatchLoop(options: WatchLoopOptions): WatchLoop {
  const { clock, signal } = options;
  const queued: Trigger[] = [];
  let wake: AbortController | undefined;

  const enqueue = (trigger: Trigger): void => {
    if (signal.aborted) return;
    queued.push(trigger);
    wake?.abort();
  };

  const runCycle = async (): Promise<number> => {
    const triggers = queued.splice(0);
    try {
      return await options.cycle(triggers.length > 0 ? triggers : [{ kind: 'tick' }], signal);
    } catch (error) {
      options.onCrash(error);
      return 70;
    }
  };

  const done = (async () => {
    if (options.once) return runCycle();
    while (!signal.aborted) {
      await runCycle();
      if (signal.aborted || queued.length > 0) continue;
      wake = new AbortController();
      await clock.sleep(options.intervalMs, AbortSignal.any([signal, wake.signal]));
      wake = undefined;
    }
    return ExitCode.done;
  })();

  return { enqueue, done };
}
