/**
 * What `/metrics` reports, folded from the typed events the watcher already
 * emits — its own (events.ts) and those of every run it starts — like the
 * line renderer and `--json` fold them. Pure: no prom-client here, no clock;
 * metrics.ts reads this state when Prometheus scrapes.
 */
import type { RunEvent, RunResult } from '../../engine/index.js';
import type { WatchEvent } from './events.js';

export interface MetricsState {
  /** `rollout\0environment\0result` → runs that ended so. */
  runs: Map<string, number>;
  /** `rollout\0environment` → hosts the watcher's runs changed. */
  hostsChanged: Map<string, number>;
  /** rollout → runs that could not start (lock held elsewhere, fleet unreadable…). */
  runsBlocked: Map<string, number>;
  /** environment → hosts a run of this watcher holds out of rotation now. */
  outByRuns: Map<string, Set<string>>;
  /** environment → hosts out of rotation with nobody's lock: found so by the drift check, or left so by a run that ended. */
  outByDrift: Map<string, Set<string>>;
  /** environment → `rollout/host` drifting now (versions or rotation). */
  drifting: Map<string, Set<string>>;
  /** `rollout\0environment` → epoch ms its run started waiting at a gate; absent when not waiting. */
  gateWaitingSince: Map<string, number>;
  /** Every rollout/environment pair a run of this watcher met, so a gate that is not waiting reads 0. */
  runPairs: Set<string>;
  /** environment → epoch ms of the last run that ended `succeeded` or `nothing-to-do`. */
  lastSync: Map<string, number>;
  /** Every environment the watcher has heard of. */
  environments: Set<string>;
}

export function emptyMetricsState(): MetricsState {
  return {
    runs: new Map(),
    hostsChanged: new Map(),
    runsBlocked: new Map(),
    outByRuns: new Map(),
    outByDrift: new Map(),
    drifting: new Map(),
    gateWaitingSince: new Map(),
    runPairs: new Set(),
    lastSync: new Map(),
    environments: new Set(),
  };
}

export const SYNCED: ReadonlySet<RunResult> = new Set<RunResult>(['succeeded', 'nothing-to-do']);

export const pairKey = (rollout: string, environment: string): string => `${rollout}\0${environment}`;

/** Folds one watcher event. */
export function foldWatchEvent(state: MetricsState, event: WatchEvent): void {
  switch (event.type) {
    case 'run.requested':
    case 'rollout.skipped':
    case 'heal.skipped':
      state.environments.add(event.environment);
      return;
    case 'run.blocked':
      bump(state.runsBlocked, event.rollout, 1);
      return;
    case 'drift.seen':
    case 'drift.alerted':
      for (const host of event.hosts) {
        state.environments.add(host.environment);
        setOf(state.drifting, host.environment).add(`${host.rollout}/${host.host}`);
        const out = setOf(state.outByDrift, host.environment);
        if (host.outOfRotation) out.add(host.host);
        else out.delete(host.host);
      }
      return;
    case 'drift.cleared':
      setOf(state.drifting, event.environment).delete(`${event.rollout}/${event.host}`);
      setOf(state.outByDrift, event.environment).delete(event.host);
      return;
    default:
      return;
  }
}

/** A fold for one run: the run's rollout and environment come with its first event, `run.started`. */
export function runFolder(state: MetricsState): (event: RunEvent) => void {
  let rollout: string | undefined;
  let environment: string | undefined;
  return (event) => {
    if (event.type === 'run.started') {
      rollout = event.rollout;
      environment = event.environment;
      state.environments.add(environment);
      state.runPairs.add(pairKey(rollout, environment));
      // Whatever an earlier run that never finished (a crash) said it held, this run holds the lock now.
      state.outByRuns.set(environment, new Set());
      return;
    }
    if (rollout === undefined || environment === undefined) return;
    const pair = pairKey(rollout, environment);
    const out = setOf(state.outByRuns, environment);
    switch (event.type) {
      case 'host.drain.started':
        out.add(event.host);
        return;
      case 'host.return.finished':
        out.delete(event.host);
        return;
      case 'host.failed':
        if (event.outOfRotation) out.add(event.host);
        else out.delete(event.host);
        return;
      case 'gate.waiting':
        state.gateWaitingSince.set(pair, Date.parse(event.at));
        return;
      case 'gate.answered':
      case 'batch.started':
        state.gateWaitingSince.delete(pair);
        return;
      case 'run.finished':
        state.gateWaitingSince.delete(pair);
        // The run holds nothing any more. What it says it left out is out with nobody's lock, as the
        // drift check sees it: there until the drift check finds it back (drift.cleared).
        state.outByRuns.delete(environment);
        for (const host of event.hostsOut) setOf(state.outByDrift, environment).add(host.host);
        bump(state.runs, `${pair}\0${event.result}`, 1);
        bump(state.hostsChanged, pair, event.changed.length);
        if (SYNCED.has(event.result)) state.lastSync.set(environment, Date.parse(event.at));
        return;
      default:
        return;
    }
  };
}

/** Hosts of an environment out of rotation now: held by a run, or found so by the drift check. */
export function hostsOut(state: MetricsState, environment: string): number {
  return new Set([...(state.outByRuns.get(environment) ?? []), ...(state.outByDrift.get(environment) ?? [])]).size;
}

function bump(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function setOf(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}
