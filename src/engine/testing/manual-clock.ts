/**
 * Virtual time for tests: no test ever waits for a real timer.
 *
 * Manual mode: `sleep` resolves only when `advance(ms)` moves time past its
 * wake-up. Auto mode (`{ auto: true }`): whenever every sleeper is waiting on
 * the clock — nothing else is runnable — time jumps to the earliest wake-up,
 * so whole engine runs finish at once and still see time pass in order.
 * Auto mode suits in-memory fakes: a task still waiting on real I/O when the
 * others sleep does not hold time back.
 */
import type { Clock } from '../ports.js';

export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, waking every sleeper due on the way, in order. */
  advance(ms: number): Promise<void>;
  /** Sleepers not yet woken. */
  pending(): number;
  /** Every duration passed to `sleep`, in call order (for asserting poll intervals). */
  readonly sleeps: readonly number[];
}

interface Sleeper {
  wakeAt: number;
  order: number;
  wake: () => void;
}

/** Lets promise continuations (and the I/O callbacks they wait on) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function createManualClock(options: { start?: number; auto?: boolean } = {}): ManualClock {
  let now = options.start ?? 0;
  let order = 0;
  let tickScheduled = false;
  const sleepers: Sleeper[] = [];
  const sleeps: number[] = [];

  const earliest = (): Sleeper | undefined => {
    let first: Sleeper | undefined;
    for (const sleeper of sleepers) {
      if (!first || sleeper.wakeAt < first.wakeAt || (sleeper.wakeAt === first.wakeAt && sleeper.order < first.order)) {
        first = sleeper;
      }
    }
    return first;
  };

  const wakeEarliest = (): void => {
    const first = earliest();
    if (!first) return;
    now = Math.max(now, first.wakeAt);
    first.wake();
  };

  // setImmediate runs after every pending promise continuation, so by then each
  // concurrent task that is going to sleep has registered its sleeper.
  const scheduleTick = (): void => {
    if (!options.auto || tickScheduled) return;
    tickScheduled = true;
    setImmediate(() => {
      tickScheduled = false;
      wakeEarliest();
      if (sleepers.length > 0) scheduleTick();
    });
  };

  return {
    now: () => now,
    sleeps,
    pending: () => sleepers.length,
    sleep(ms, signal) {
      sleeps.push(ms);
      return new Promise<void>((resolve) => {
        if (signal?.aborted) {
          resolve();
          return;
        }
        const sleeper: Sleeper = {
          wakeAt: now + Math.max(0, ms),
          order: order++,
          wake: () => {
            const index = sleepers.indexOf(sleeper);
            if (index >= 0) sleepers.splice(index, 1);
            signal?.removeEventListener('abort', sleeper.wake);
            resolve();
          },
        };
        sleepers.push(sleeper);
        signal?.addEventListener('abort', sleeper.wake, { once: true });
        scheduleTick();
      });
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        await settle();
        const first = earliest();
        if (!first || first.wakeAt > target) break;
        wakeEarliest();
      }
      now = Math.max(now, target);
      await settle();
    },
  };
}
