/**
 * Many hosts polling one load balancer share its reads. A caller joins the
 * read that has not been sent yet — so whatever it gets was read after it
 * asked, never a stale answer from before its own `set server` — and reads
 * start one at a time, at least `tickMs` apart. 50 hosts polling every 100 ms
 * then cost one `show stat` per tick, not 500 a second.
 */
import { fail } from '../../core/result.js';
import type { Result } from '../../core/result.js';

interface Pending<T> {
  result: Promise<Result<T>>;
  waiters: number;
  /** Aborts the shared read once every caller waiting for it has given up. */
  controller: AbortController;
}

export function coalescedRead<T>(
  read: (signal: AbortSignal) => Promise<Result<T>>,
  tickMs: number,
  aborted: () => Result<never>,
): (signal?: AbortSignal) => Promise<Result<T>> {
  let next: Pending<T> | undefined;
  let previous: Promise<unknown> = Promise.resolve();
  let lastStart = -Infinity;

  const schedule = (): Pending<T> => {
    const controller = new AbortController();
    const pending: Pending<T> = { waiters: 0, controller, result: Promise.resolve(fail('unreachable')) };
    pending.result = (async () => {
      await previous;
      // A macrotask at least, so callers of this same turn join too.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastStart + tickMs - Date.now())));
      // From here on nobody joins: later callers get the next read.
      if (next === pending) next = undefined;
      lastStart = Date.now();
      return read(controller.signal);
    })();
    previous = pending.result;
    return pending;
  };

  return (signal) => {
    if (signal?.aborted) return Promise.resolve(aborted());
    const pending = (next ??= schedule());
    pending.waiters++;
    if (!signal) return pending.result;
    return new Promise((resolve) => {
      const onAbort = (): void => {
        if (--pending.waiters === 0) {
          if (next === pending) next = undefined;
          pending.controller.abort();
        }
        resolve(aborted());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void pending.result.then((result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      });
    });
  };
}
