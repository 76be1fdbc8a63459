/**
 * Drift, read off a `status` report: a host drifts when its installed
 * versions differ from those of the last deployed commit, or when it is out
 * of rotation while nobody holds its environment's lock (a run that died
 * and left it drained, or a hand that forgot to put it back).
 *
 * While a live run holds an environment's lock its hosts change on purpose,
 * so they are not judged at all: no episode starts or ends until it is done.
 * A stale lock (its process is gone) protects nothing. A cordoned host
 * (`lieutenant cordon`) is someone's on purpose: never judged, never healed.
 */
import type { StatusReport } from '../status-service.js';
import { cordonOf } from '../../records/cordons/cordon-store.js';
import type { HostKey } from './drift-tracker.js';
import type { DriftedHost } from './events.js';

export interface DriftFindings {
  drifting: DriftedHost[];
  /** Every host the report could read and judge. */
  checked: HostKey[];
}

export function driftOf(report: StatusReport): DriftFindings {
  const busy = new Set(
    report.environments.filter((env) => env.lock !== undefined && !env.lock.stale).map((env) => env.environment),
  );
  const drifting: DriftedHost[] = [];
  const checked: HostKey[] = [];
  const cordons = new Map(report.environments.map((env) => [env.environment, env.cordons]));
  for (const host of report.hosts) {
    if (busy.has(host.environment)) continue;
    if (cordonOf(cordons.get(host.environment) ?? [], host.host, host.group)) continue;
    const key = { environment: host.environment, rollout: host.rollout, host: host.host };
    checked.push(key);
    if (host.drift.length === 0 && !host.outOfRotation) continue;
    drifting.push({
      ...key,
      installed: host.installed,
      expected: host.expected,
      drift: host.drift,
      outOfRotation: host.outOfRotation,
    });
  }
  return { drifting, checked };
}
