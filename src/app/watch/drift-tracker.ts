/**
 * Drift episodes. A host drifts from the moment a check first sees it off
 * its deployed versions (or out of rotation with nobody holding the lock)
 * until a check sees it back. An episode that lasts `alertAfterMs` raises
 * one alert — never one per check — and a new episode may alert again.
 *
 * Pure: time comes in with each observation, state lives in the tracker
 * the watcher owns.
 */
import type { DriftedHost } from './events.js';

export interface DriftAlert {
  environment: string;
  /** When the earliest of these hosts was first seen drifting (epoch ms). */
  since: number;
  hosts: DriftedHost[];
}

export interface DriftChanges {
  /** Hosts whose episode began with this check. */
  seen: DriftedHost[];
  /** Episodes that just passed `alertAfterMs`, one alert per environment. */
  alerts: DriftAlert[];
  /** Hosts that were drifting and are no longer. */
  cleared: DriftedHost[];
}

export interface DriftTracker {
  /**
   * One check's findings at `now`: `drifting` hosts, and `checked` — every
   * host the check could read (a host it could not read neither starts nor
   * ends an episode).
   */
  observe(now: number, drifting: readonly DriftedHost[], checked: readonly HostKey[]): DriftChanges;
}

export interface HostKey {
  environment: string;
  rollout: string;
  host: string;
}

interface Episode {
  since: number;
  alerted: boolean;
  last: DriftedHost;
}

const keyOf = (host: HostKey): string => `${host.environment}\u0000${host.rollout}\u0000${host.host}`;

export function createDriftTracker(alertAfterMs: number): DriftTracker {
  const episodes = new Map<string, Episode>();
  return {
    observe(now, drifting, checked) {
      const changes: DriftChanges = { seen: [], alerts: [], cleared: [] };
      const driftingKeys = new Set<string>();
      for (const host of drifting) {
        const key = keyOf(host);
        driftingKeys.add(key);
        const episode = episodes.get(key);
        if (episode) episode.last = host;
        else {
          episodes.set(key, { since: now, alerted: false, last: host });
          changes.seen.push(host);
        }
      }
      for (const host of checked) {
        const key = keyOf(host);
        const episode = episodes.get(key);
        if (episode && !driftingKeys.has(key)) {
          episodes.delete(key);
          changes.cleared.push(episode.last);
        }
      }
      const due = new Map<string, DriftAlert>();
      for (const episode of episodes.values()) {
        if (episode.alerted || now - episode.since < alertAfterMs) continue;
        episode.alerted = true;
        const environment = episode.last.environment;
        const alert = due.get(environment) ?? { environment, since: episode.since, hosts: [] };
        alert.since = Math.min(alert.since, episode.since);
        alert.hosts.push(episode.last);
        due.set(environment, alert);
      }
      changes.alerts = [...due.values()];
      return changes;
    },
  };
}
