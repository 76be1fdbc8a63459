/** The one rollout every contender performs: demo 1.0 → 1.1 on 6 hosts in halves, same gates. */
import type { Fleet } from '../test/fleet/fleet.js';

export interface BenchRollout {
  version: string;
  /** Host names per batch, in order. */
  batches: string[][];
  healthIntervalMs: number;
  successThreshold: number;
}

export function benchRollout(fleet: Fleet): BenchRollout {
  const names = fleet.hosts.map((host) => host.name);
  const half = Math.ceil(names.length / 2);
  return {
    version: '1.1',
    batches: [names.slice(0, half), names.slice(half)],
    healthIntervalMs: 200,
    successThreshold: 2,
  };
}
