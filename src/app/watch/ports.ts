/**
 * What a `watch` cycle is given and what it is: its settings, its ports (the
 * real services, or fakes in tests) and its triggers. Types only, shared by
 * the cycle and its steps (head-step, run-step, drift-step).
 */
import type { Clock } from '../../engine/index.js';
import type { Result } from '../../core/result.js';
import type { PollOutcome } from '../../gitops/poll.js';
import type { PendingRecord, PendingRolloutPlan } from '../../records/sync/sync-refs.js';
import type { SyncPolicy } from '../../spec/schema.js';
import type { PushNotice } from './listener/webhook.js';
import type { AppFailure } from '../failure.js';
import type { RunDone } from '../run-service.js';
import type { StatusReport } from '../status-service.js';
import type { RunCause } from './events.js';
import type { Notifier } from './notify.js';

export type Trigger = { kind: 'tick' } | { kind: 'push'; push: PushNotice };

export interface CycleConfig {
  repoDir: string;
  branch: string;
  /** Fetched every cycle; undefined: fetched only when a push arrives (from `pushRemote`). */
  remote: string | undefined;
  pushRemote: string;
  driftAlertAfterMs: number;
  selfHeal: boolean;
  sync: SyncConfig;
}

/** Manual sync (sync-step.ts): which environments wait for `lieutenant sync`, and where their records are shared. */
export interface SyncConfig {
  /** `watch --sync`: environment (or '*', every one) → policy, over the inventory's `sync`. */
  overrides: ReadonlyMap<string, SyncPolicy>;
  /** Where pending records, sync requests and this watcher's presence are pushed and fetched; undefined: this clone only. */
  remote: string | undefined;
  /** Who this watcher is, as records and `status` name it: user@host pid N. */
  watcherId: string;
  /** How long this watcher counts as present after each cycle (`lieutenant sync` runs directly past it). */
  presenceMs: number;
}

export interface WatchRunRequest {
  rollout: string;
  /** The full SHA to run: the branch head, or the deployed commit when healing. */
  rev: string;
  cause: RunCause;
  /** Push the run's note and deployed refs there afterwards (a sync, so every clone sees it applied). */
  pushTo?: string;
}

export interface CyclePorts {
  clock: Clock;
  fetch(remote: string, branch: string, signal: AbortSignal): Promise<Result<PollOutcome>>;
  run(request: WatchRunRequest): Promise<Result<RunDone, AppFailure>>;
  status(signal: AbortSignal): Promise<Result<StatusReport, AppFailure>>;
  /** What running ROLLOUT at REV would change on the live fleet (manual sync's pending record); changes nothing. */
  plan(request: { rollout: string; rev: string }, signal: AbortSignal): Promise<Result<PendingRolloutPlan, AppFailure>>;
  notify: Notifier | undefined;
  /** Manual sync: tell the inventory's webhooks (`on: sync.pending`) that ENV has a pending commit; warnings back. */
  announce(pending: PendingRecord): Promise<string[]>;
}

/** Runs one cycle; resolves with the worst exit code of what it did (for `--once`). */
export type Cycle = (triggers: readonly Trigger[], signal: AbortSignal) => Promise<number>;

/** Keys of lines already said (skips, invalid heads, blocked runs), so a waiting cycle does not repeat itself. */
export interface SaidLines {
  said: Set<string>;
}
