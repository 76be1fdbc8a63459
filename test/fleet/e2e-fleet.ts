/**
 * Which of the e2e fleets this test file runs on. The e2e global setup starts
 * one fleet per vitest worker (test/fleet/global-setup.ts); a worker's pool id
 * (1, 2, …) is never shared by two workers running at once, so two files
 * running side by side never touch the same hosts, HAProxy or Prometheus.
 */
import { inject } from 'vitest';

export function e2eFleetDir(): string {
  const dirs = inject('fleetDirs');
  const poolId = Number(process.env.VITEST_POOL_ID ?? '1');
  const dir = dirs[(Math.max(poolId, 1) - 1) % dirs.length];
  if (!dir) throw new Error('no e2e fleet: the e2e global setup (test/fleet/global-setup.ts) provides fleetDirs');
  return dir;
}
