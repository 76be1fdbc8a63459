/**
 * A lock's lease as another clone wrote it. `--lease` accepts 1s to 1h, so a
 * lock claiming more — a longer lease, or a renewal so far in the future that
 * the lock would hold past an hour from now — was not written by a
 * Lieutenant run: refused, never waited on.
 */
export const MAX_LEASE_MS = 60 * 60_000;
/** How far ahead of this machine's clock a holder's renewal may be stamped: clocks differ a little, not by hours. */
export const RENEWAL_SKEW_MS = 5 * 60_000;

export function leaseProblem(info: { renewedAt: string; leaseMs: number }, now: number): string | undefined {
  if (!Number.isInteger(info.leaseMs) || info.leaseMs <= 0 || info.leaseMs > MAX_LEASE_MS)
    return `a lease of ${info.leaseMs} ms (a lease is at most 1h)`;
  const renewed = Date.parse(info.renewedAt);
  if (Number.isNaN(renewed)) return 'renewedAt is not a time';
  if (renewed - now > RENEWAL_SKEW_MS) return `renewed at ${info.renewedAt}, later than this machine's clock allows`;
  return undefined;
}
