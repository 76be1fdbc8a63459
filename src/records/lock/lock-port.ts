/**
 * The environment lock as the run session sees it, wherever it lives: a file
 * in this checkout (lock.ts) or a ref on the shared Git remote
 * (remote-lock.ts). The engine never sees either.
 */
import type { LockInfo } from './lock-file.js';

/** What a lock on the remote records besides the local lock's fields. */
export interface LeasedLockInfo extends LockInfo {
  /** The checkout the holder runs in, on `host`. */
  repoDir: string;
  /** When the holder last renewed its lease; it is the holder's until renewedAt + leaseMs. */
  renewedAt: string;
  leaseMs: number;
}

export interface EnvironmentLock {
  environment: string;
  /** Where the lock lives, for people: `origin refs/lieutenant/locks/staging`. */
  where: string;
  info: LeasedLockInfo;
  /** Set when a holder's expired lease was taken over: the run it was doing is stranded. */
  takenOver?: LeasedLockInfo;
  /** Set when the lock was taken over; the caller shows it to the operator. */
  warning?: string;
  /** Aborts when the lease was lost: someone else holds the lock now, the run must stop. */
  lost: AbortSignal;
  /** Records the run the holder is doing (known only once interrupted runs were read under the lock). */
  assign(run: { runId: string; rollout: string }): Promise<void>;
  /** Stops renewing and gives the lock up, only if it is still ours. */
  release(): Promise<void>;
}

/** The lease has run out by `now` (wall clock: the machines' clocks must roughly agree). */
export function leaseExpired(info: Pick<LeasedLockInfo, 'renewedAt' | 'leaseMs'>, now: number): boolean {
  const renewed = Date.parse(info.renewedAt);
  return Number.isNaN(renewed) || renewed + info.leaseMs < now;
}
