/**
 * The real clock. Sleeping is abortable and never throws: an aborted sleep
 * just ends early, and the caller looks at its own signal to decide what that
 * means (so Ctrl-C stops a drain poll or a health gate between rounds).
 */
import type { Clock } from '../engine/index.js';

/**
 * Node fires a timer after 1 ms when its delay exceeds 2^31-1 ms (~24.8 days),
 * so a longer sleep is a chain of timers no longer than that.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function createSystemClock(maxTimerMs = MAX_TIMER_MS): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted || !(ms > 0)) {
          resolve();
          return;
        }
        const end = Date.now() + ms;
        let timer: NodeJS.Timeout | undefined;
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const wait = (): void => {
          const left = end - Date.now();
          if (left <= 0) return done();
          timer = setTimeout(wait, Math.min(left, maxTimerMs));
        };
        signal?.addEventListener('abort', done, { once: true });
        wait();
      }),
  };
}

export const systemClock: Clock = createSystemClock();
