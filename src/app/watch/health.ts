/**
 * Is the watch loop alive? What `/healthz` answers, from the loop's own
 * heartbeat (a cycle started, a cycle ended), not from events a view could
 * drop:
 *
 *   stopping (SIGTERM, Ctrl-C)                         → 503 stopping
 *   a cycle in flight (a run may wait at a gate hours) → 200 ok
 *   the last cycle ended within staleAfterMs           → 200 ok
 *   otherwise (the loop is stuck between cycles)       → 503 stalled
 */
import type { Cycle } from './ports.js';

export interface HealthReport {
  status: 200 | 503;
  body: {
    status: 'ok' | 'stopping' | 'stalled';
    /** A cycle in flight now. */
    cycle: 'running' | 'idle';
    /** ISO 8601 of the last cycle's end; undefined before the first one ended. */
    lastCycleEndedAt: string | undefined;
    cycles: number;
  };
}

export interface LoopHealth {
  /** The cycle, reporting its starts and ends here. */
  around(cycle: Cycle): Cycle;
  stopping(): void;
  report(now: number): HealthReport;
  /** Epoch ms of the last cycle's end, for the metric. */
  lastCycleEndedAt(): number | undefined;
  cycles(): number;
}

/** Idle longer than two intervals and a minute: the next cycle should have started long ago. */
export const staleAfterMs = (intervalMs: number): number => 2 * intervalMs + 60_000;

export function loopHealth(options: { now: () => number; staleAfterMs: number; startedAt: number }): LoopHealth {
  let running = 0;
  let ended: number | undefined;
  let count = 0;
  let stopping = false;
  return {
    around: (cycle) => async (triggers, signal) => {
      running += 1;
      try {
        return await cycle(triggers, signal);
      } finally {
        running -= 1;
        count += 1;
        ended = options.now();
      }
    },
    stopping: () => {
      stopping = true;
    },
    report: (now) => {
      const idleSince = ended ?? options.startedAt;
      const status = stopping ? 'stopping' : running > 0 || now - idleSince <= options.staleAfterMs ? 'ok' : 'stalled';
      return {
        status: status === 'ok' ? 200 : 503,
        body: {
          status,
          cycle: running > 0 ? 'running' : 'idle',
          lastCycleEndedAt: ended === undefined ? undefined : new Date(ended).toISOString(),
          cycles: count,
        },
      };
    },
    lastCycleEndedAt: () => ended,
    cycles: () => count,
  };
}
