/**
 * Drift, read off a `status` report: a host drifts when its installed
 * versions differ from those of the last deployed commit, or when it is out
 * of rotation while nobody holds its environment's lock (a run that died
 * and left it drained, or a hand that forgot to put it back).
 */
import type { StatusReport } from '../status-service.js';
import type { HostKey } from './drift-tracker.js';
import type { DriftedHost } from './events.js';

export interface DriftFindings {
  drifting: DriftedHost[];
  /** Every host the report could read. */
  checked: HostKey[];
}

export function driftOf(report: StatusReport): DriftFindings {
  const locked = new Set(report.environments.filter((env) => env.lock !== undefined).map((env) => env.environment));
  const drifting: DriftedHost[] = [];
  const checked: HostKey[] = [];
  for (const host of report.hosts) {
    const key = { environment: host.environment, rollout: host.rollout, host: host.host };
    checked.push(key);
    // A locked environment has a run at work: its hosts are out on purpose.
    const outOfRotation = host.outOfRotation && !locked.has(host.environment);
    if (host.drift.length === 0 && !outOfRotation) continue;
    drifting.push({ ...key, installed: host.installed, expected: host.expected, drift: host.drift, outOfRotation });
  }
  return { drifting, checked };
}
