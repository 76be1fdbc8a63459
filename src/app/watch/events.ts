/**
 * What the watcher itself reports — beside the runs it starts, whose own
 * events go to the run views as usual. The CLI prints these as lines; tests
 * read them as values. Nothing in src/app writes text.
 */
import type { RunResult } from '../../engine/index.js';
import type { Versions } from '../../engine/index.js';

/** Why a run was started: a new commit, or healing drift back to the deployed commit. */
export type RunCause = 'commit' | 'self-heal' | 'sync';

export interface DriftedHost {
  environment: string;
  rollout: string;
  host: string;
  installed: Versions;
  expected: Record<string, string>;
  /** Packages whose installed version differs from the deployed one. */
  drift: string[];
  /** Out of rotation while nobody holds the environment's lock. */
  outOfRotation: boolean;
}

export type WatchEventBody =
  | {
      type: 'watch.started';
      repoDir: string;
      branch: string;
      /** The remote polled every interval; undefined when only local commits (and pushes) are followed. */
      remote: string | undefined;
      /** http://HOST:PORT/ when serving the webhook. */
      webhook: string | undefined;
      intervalMs: number;
    }
  | { type: 'watch.stopping'; reason: string }
  | { type: 'watch.stopped' }
  | { type: 'fetch.failed'; remote: string; branch: string; message: string; detail?: string }
  | { type: 'commit.new'; before: string | undefined; after: string; subject: string }
  | { type: 'spec.invalid'; commit: string; errors: string[] }
  | { type: 'rollout.skipped'; rollout: string; environment: string; commit: string; reason: string }
  | { type: 'run.requested'; rollout: string; environment: string; commit: string; cause: RunCause }
  | { type: 'run.ended'; rollout: string; runId: string; cause: RunCause; result: RunResult; exitCode: number }
  /** The run could not start (lock held, fleet unreadable…); tried again next cycle. */
  | { type: 'run.blocked'; rollout: string; cause: RunCause; exitCode: number; message: string; details: string[] }
  | { type: 'push.received'; deliveryId: string; ref: string; after: string }
  | { type: 'push.ignored'; deliveryId: string; after: string; reason: string }
  | { type: 'webhook.rejected'; status: number; reason: string }
  | { type: 'status.failed'; message: string; details: string[] }
  | { type: 'drift.seen'; hosts: DriftedHost[] }
  | { type: 'drift.alerted'; environment: string; since: string; hosts: DriftedHost[] }
  | { type: 'drift.cleared'; environment: string; rollout: string; host: string }
  | { type: 'heal.skipped'; environment: string; rollout: string; reason: string }
  | { type: 'notify.failed'; message: string }
  /** Manual sync: a new commit recorded as pending for ENV (replacing `supersedes`); nothing ran. */
  | {
      type: 'sync.pending';
      environment: string;
      commit: string;
      subject: string;
      rollouts: string[];
      hostsToChange: number | null;
      supersedes?: string;
    }
  /** The pending commit is no longer needed: reverted, or deployed by someone else. */
  | { type: 'sync.cleared'; environment: string; commit: string; reason: string }
  | { type: 'sync.requested'; environment: string; commit: string; by: string; reason?: string }
  /** A request that cannot be applied: not the pending commit (superseded), or nothing pending. */
  | { type: 'sync.refused'; environment: string; commit: string; by: string; message: string }
  | { type: 'sync.applied'; environment: string; commit: string; by: string; runs: string[]; exitCode: number }
  /** Pending records could not be shared with the remote (other clones do not see them yet). */
  | { type: 'sync.unshared'; message: string }
  /** A record on the remote refused, never acted on: a deployed or pending ref naming a commit off the branch, a record that does not validate. */
  | { type: 'record.ignored'; ref: string; commit?: string; reason: string; message: string }
  /** A bug surfaced in one cycle; the watcher carries on with the next. */
  | { type: 'cycle.crashed'; message: string };

export type WatchEventType = WatchEventBody['type'];

export type WatchEvent = WatchEventBody & {
  /** ISO 8601. */
  at: string;
};

export type WatchEventOf<T extends WatchEventType> = Extract<WatchEvent, { type: T }>;

export type WatchEventListener = (event: WatchEvent) => void;

/** Stamps a body with the clock's time and hands it to the listener. */
export function eventEmitter(listener: WatchEventListener, now: () => number): (body: WatchEventBody) => void {
  return (body) => listener({ ...body, at: new Date(now()).toISOString() });
}
