/**
 * Watches HAProxy while a run goes on: every ~50 ms, `show stat` over the
 * fleet's runtime-API socket, parsed by the fleet's own CSV reader — not the
 * product's adapter, so the oracle does not share the code it judges. A server
 * counts as out of rotation whenever its status is anything but exactly `UP`
 * (DRAIN, MAINT, DOWN, and the in-between "DOWN 1/2" / "UP 1/2").
 */
import { setTimeout as delay } from 'node:timers/promises';
import { serverStatuses } from '../../fleet/fleet.js';
import type { Fleet } from '../../fleet/fleet.js';

export interface RotationSample {
  /** ms since the sampler started. */
  at: number;
  /** Servers of the watched group whose status is not exactly UP, with that status. */
  out: Record<string, string>;
}

export interface RotationReport {
  /** Epoch ms the sampler started: sample `at` + this is wall-clock time, comparable with journal events' `at`. */
  startedAt: number;
  /** Most servers of the group seen out of rotation in one sample. */
  maxOut: number;
  /** Every server seen out at least once. */
  everOut: string[];
  samples: RotationSample[];
  /** Samples that failed to read (the socket answered nothing): never silently dropped. */
  errors: string[];
}

export interface RotationSampler {
  stop(): Promise<RotationReport>;
}

export function startRotationSampler(
  fleet: Fleet,
  servers: readonly string[] = fleet.hosts.map((host) => host.name),
  intervalMs = 50,
): RotationSampler {
  const started = Date.now();
  const samples: RotationSample[] = [];
  const errors: string[] = [];
  const controller = new AbortController();

  const loop = (async () => {
    while (!controller.signal.aborted) {
      try {
        const statuses = await serverStatuses(fleet.haproxy.socket, fleet.haproxy.backend);
        const out: Record<string, string> = {};
        for (const server of servers) {
          const status = statuses.get(server) ?? 'MISSING';
          if (status !== 'UP') out[server] = status;
        }
        samples.push({ at: Date.now() - started, out });
      } catch (error) {
        errors.push((error as Error).message);
      }
      await delay(intervalMs, undefined, { signal: controller.signal }).catch(() => {});
    }
  })();

  return {
    async stop() {
      controller.abort();
      await loop;
      const everOut = [...new Set(samples.flatMap((sample) => Object.keys(sample.out)))].sort();
      const maxOut = Math.max(0, ...samples.map((sample) => Object.keys(sample.out).length));
      return { startedAt: started, maxOut, everOut, samples, errors };
    },
  };
}
