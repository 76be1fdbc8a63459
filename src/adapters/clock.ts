/**
 * The real clock. Sleeping is abortable and never throws: an aborted sleep
 * just ends early, and the caller looks at its own signal to decide what that
 * means (so Ctrl-C stops a drain poll or a health gate between rounds).
 */
import type { Clock } from '../engine/index.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};
