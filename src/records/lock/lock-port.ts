/**
 * The environment lock as the run session sees it, wherever it lives: a file
 * in this checkout (lock.ts) or a ref on the shared Git remote
 * (remote-lock.ts). The engine never sees either.
 */
import type { LeaseFence } from './fence.js';
import { takerMayTake } from './fence.js';
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
  /**
   * Whether the run may still act: its lease provably its own by its
   * monotonic clock. `fence.lapsed` aborts (reason: a LeaseLapsed) once it
   * may not — the run then stops at once.
   */
  fence: LeaseFence;
  /** Records the run the holder is doing (known only once interrupted runs were read under the lock). */
  assign(run: { runId: string; rollout: string }): Promise<void>;
  /** Stops renewing and gives the lock up, only if it is still ours. */
  release(): Promise<void>;
}

/**
 * The lease has run out by `now`, this machine's wall clock, with the
 * clock-skew allowance to spare (fence.ts): another clone may take it over.
 */
export function leaseExpired(info: Pick<LeasedLockInfo, 'renewedAt' | 'leaseMs'>, now: number): boolean {
  const renewed = Date.parse(info.renewedAt);
  return Number.isNaN(renewed) || takerMayTake(renewed, info.leaseMs, now);
}
