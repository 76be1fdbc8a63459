/**
 * The lease as a fence. A holder acts on the fleet only while its lease is
 * provably still its own by its *monotonic* clock, and a taker takes a lapsed
 * lock over only once the lease plus a clock-skew allowance has passed by its
 * own wall clock since the holder's last renewal. docs/safety.md ("One run per
 * environment") carries the argument that the two never act at once.
 *
 * The holder's side: a renewal is written with `renewedAt` (wall clock) read
 * at the same instant as the monotonic reading it keeps; only a renewal the
 * remote accepted moves that reading forward. From it, the holder may act until
 * `lease − margin` has passed; a renewal that fails or cannot reach the remote
 * does not count.
 */

/**
 * How far two machines' wall clocks may differ while the lock keeps its
 * promise. NTP keeps them within milliseconds; this is for a machine whose
 * NTP is late or missing.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 5_000;

/**
 * What a holder gives up of its lease: it stops this long before the lease
 * ends by its own monotonic clock. It covers the moment between the check and
 * the command reaching a host or load balancer, and a monotonic clock that
 * runs slow (by up to a sixth).
 */
export function holderMarginMs(leaseMs: number): number {
  return Math.floor(leaseMs / 6);
}

/** The holder's monotonic clock, in ms (`performance.now()`); tests inject their own. */
export type MonotonicClock = () => number;

export const monotonicNow: MonotonicClock = () => performance.now();

/** Until when (monotonic ms) a lease renewed at `renewedMono` lets its holder act. */
export function actUntil(renewedMono: number, leaseMs: number): number {
  return renewedMono + leaseMs - holderMarginMs(leaseMs);
}

/** The holder may still act at `nowMono`, by its own monotonic clock. */
export function holderMayAct(renewedMono: number, leaseMs: number, nowMono: number): boolean {
  return nowMono < actUntil(renewedMono, leaseMs);
}

/**
 * A taker may take the lock over at `nowWall` (its own wall clock): the
 * holder's lease, renewed at `renewedAtWall` by the holder's wall clock, is
 * over even if the two clocks differ by up to CLOCK_SKEW_ALLOWANCE_MS.
 */
export function takerMayTake(renewedAtWall: number, leaseMs: number, nowWall: number): boolean {
  return !Number.isNaN(renewedAtWall) && nowWall > renewedAtWall + leaseMs + CLOCK_SKEW_ALLOWANCE_MS;
}

/** When (taker's wall clock, ms) a lease renewed at `renewedAtWall` may be taken over. */
export function takeableAt(renewedAtWall: number, leaseMs: number): number {
  return renewedAtWall + leaseMs + CLOCK_SKEW_ALLOWANCE_MS;
}

/** Why a holder may no longer act: said to the operator, journaled, and the run's exit. */
export interface LeaseLapsed {
  kind: 'lease-lapsed';
  environment: string;
  message: string;
}

/** Tells whether the holder may still act; once it may not, it never may again. */
export interface LeaseFence {
  /** Ok while the lease is provably ours; the same lapse from then on. */
  check(): { ok: true } | { ok: false; error: LeaseLapsed };
  /** Aborts (reason: the LeaseLapsed) the moment a check fails, the deadline passes or the lock was taken. */
  readonly lapsed: AbortSignal;
}
