/**
 * `/metrics` of `lieutenant watch --listen`: the Prometheus text format,
 * written by prom-client from a Registry of this watcher's own (never the
 * process-wide default, so two watchers — or two tests — never share one).
 * Values are read from the events' fold (metrics-state.ts) when scraped;
 * the lock is asked through its probe at the same moment.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { RunEventListener } from '../../engine/index.js';
import type { WatchEventListener } from './events.js';
import type { LoopHealth } from './health.js';
import type { LockProbe } from './lock-probe.js';
import { emptyMetricsState, foldWatchEvent, hostsOut, runFolder } from './metrics-state.js';

export interface WatchMetrics {
  onWatchEvent: WatchEventListener;
  /** A fresh listener for each run the watcher starts. */
  runListener(): RunEventListener;
  /** The exposition, and its Content-Type. */
  scrape(): Promise<{ contentType: string; text: string }>;
}

export interface WatchMetricsOptions {
  lockProbe: LockProbe;
  health: Pick<LoopHealth, 'lastCycleEndedAt' | 'cycles'>;
  /** Epoch ms; tests pass a ManualClock's. */
  now: () => number;
  /** The cordons in force in an environment (as last fetched from the remote). */
  cordons?: (environment: string) => Promise<Array<{ kind: string; target: string; until?: string }>>;
}

/** Every metric, with its labels: docs/operations.md tabulates these names. */
export const METRIC_NAMES = [
  'lieutenant_runs_total',
  'lieutenant_runs_blocked_total',
  'lieutenant_hosts_changed_total',
  'lieutenant_hosts_out_of_rotation',
  'lieutenant_drift_hosts',
  'lieutenant_gate_waiting_seconds',
  'lieutenant_last_successful_sync_timestamp_seconds',
  'lieutenant_lock_held',
  'lieutenant_cordoned',
  'lieutenant_watch_cycles_total',
  'lieutenant_watch_last_cycle_timestamp_seconds',
] as const;

const split = (key: string): string[] => key.split('\0');
const seconds = (ms: number): number => ms / 1000;

export function createWatchMetrics(options: WatchMetricsOptions): WatchMetrics {
  const { lockProbe, health, now } = options;
  const state = emptyMetricsState();
  const registry = new Registry();
  const registers = [registry];

  new Counter({
    name: 'lieutenant_runs_total',
    help: 'Runs this watcher started that ended, by result (succeeded, nothing-to-do, rolled-back, halted, degraded, aborted, invalid).',
    labelNames: ['rollout', 'environment', 'result'],
    registers,
    collect() {
      this.reset();
      for (const [key, count] of state.runs) {
        const [rollout = '', environment = '', result = ''] = split(key);
        this.inc({ rollout, environment, result }, count);
      }
    },
  });
  new Counter({
    name: 'lieutenant_runs_blocked_total',
    help: 'Runs that could not start (the lock held elsewhere, the fleet unreadable, an interrupted run in the way).',
    labelNames: ['rollout'],
    registers,
    collect() {
      this.reset();
      for (const [rollout, count] of state.runsBlocked) this.inc({ rollout }, count);
    },
  });
  new Counter({
    name: 'lieutenant_hosts_changed_total',
    help: "Hosts whose packages this watcher's runs changed.",
    labelNames: ['rollout', 'environment'],
    registers,
    collect() {
      this.reset();
      for (const [key, count] of state.hostsChanged) {
        const [rollout = '', environment = ''] = split(key);
        this.inc({ rollout, environment }, count);
      }
    },
  });
  new Gauge({
    name: 'lieutenant_hosts_out_of_rotation',
    help: 'Hosts out of rotation now: held by a run of this watcher, or out with no lock held (left by a run, found by the drift check).',
    labelNames: ['environment'],
    registers,
    collect() {
      for (const environment of state.environments) this.set({ environment }, hostsOut(state, environment));
    },
  });
  new Gauge({
    name: 'lieutenant_drift_hosts',
    help: 'Hosts drifting now (installed versions off the deployed commit, or out of rotation with no lock held).',
    labelNames: ['environment'],
    registers,
    collect() {
      for (const environment of state.environments)
        this.set({ environment }, state.drifting.get(environment)?.size ?? 0);
    },
  });
  new Gauge({
    name: 'lieutenant_gate_waiting_seconds',
    help: 'How long the run of this rollout has been waiting at a gate; 0 when it is not waiting.',
    labelNames: ['rollout', 'environment'],
    registers,
    collect() {
      const at = now();
      for (const pair of state.runPairs) {
        const [rollout = '', environment = ''] = split(pair);
        const since = state.gateWaitingSince.get(pair);
        this.set({ rollout, environment }, since === undefined ? 0 : Math.max(0, seconds(at - since)));
      }
    },
  });
  new Gauge({
    name: 'lieutenant_last_successful_sync_timestamp_seconds',
    help: 'When a run of this watcher last brought the environment to its commit (succeeded or nothing-to-do), Unix seconds.',
    labelNames: ['environment'],
    registers,
    collect() {
      for (const [environment, at] of state.lastSync) this.set({ environment }, seconds(at));
    },
  });
  new Gauge({
    name: 'lieutenant_lock_held',
    help: "1 while a live run (this watcher's or anyone's) holds the environment's lock, else 0.",
    labelNames: ['environment'],
    registers,
    async collect() {
      const environments = new Set([...state.environments, ...(await lockProbe.environments())]);
      const held = await Promise.all([...environments].map(async (env) => [env, await lockProbe.held(env)] as const));
      this.reset();
      for (const [environment, isHeld] of held) this.set({ environment }, isHeld ? 1 : 0);
    },
  });
  new Gauge({
    name: 'lieutenant_cordoned',
    help: 'Cordons in force (lieutenant cordon): 1 per cordoned host, group or environment; its expiry as Unix time in `until` ("" when none).',
    labelNames: ['environment', 'kind', 'target', 'until'],
    registers,
    async collect() {
      const { cordons } = options;
      if (!cordons) return;
      const listed = await Promise.all([...state.environments].map(async (env) => [env, await cordons(env)] as const));
      this.reset();
      for (const [environment, list] of listed)
        for (const cordon of list) {
          const until = cordon.until === undefined ? '' : String(seconds(Date.parse(cordon.until)));
          this.set({ environment, kind: cordon.kind, target: cordon.target, until }, 1);
        }
    },
  });
  new Counter({
    name: 'lieutenant_watch_cycles_total',
    help: 'Cycles of the watch loop (fetch, validate, run, drift check) that ended.',
    registers,
    collect() {
      this.reset();
      this.inc(health.cycles());
    },
  });
  new Gauge({
    name: 'lieutenant_watch_last_cycle_timestamp_seconds',
    help: 'When the last cycle of the watch loop ended, Unix seconds (absent before the first one).',
    registers,
    collect() {
      const ended = health.lastCycleEndedAt();
      if (ended === undefined) this.reset();
      else this.set(seconds(ended));
    },
  });

  return {
    onWatchEvent: (event) => foldWatchEvent(state, event),
    runListener: () => runFolder(state),
    scrape: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
  };
}
