import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_ALLOWANCE_MS, holderMarginMs, holderMayAct, takerMayTake } from './fence.js';

describe('the lease as a fence', () => {
  it('given a lease renewed at a real instant, when the clocks of holder and taker differ by less than the allowance, then the holder may act and the taker may take are never both true at one instant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 3_600_000 }), // lease (the --lease bounds)
        fc.integer({ min: 0, max: 10 ** 12 }), // the real instant the renewal was written
        fc.integer({ min: -(10 ** 9), max: 10 ** 9 }), // the holder's monotonic origin
        fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), // the holder's wall clock error
        fc.integer({ min: -(CLOCK_SKEW_ALLOWANCE_MS - 1), max: CLOCK_SKEW_ALLOWANCE_MS - 1 }), // taker − holder
        fc.integer({ min: 0, max: 10 ** 8 }), // how long after the renewal the instant looked at is
        (leaseMs, renewalReal, monoOrigin, holderError, skew, elapsed) => {
          const renewedMono = renewalReal + monoOrigin;
          const renewedAtWall = renewalReal + holderError;
          const instant = renewalReal + elapsed;
          const holderActs = holderMayAct(renewedMono, leaseMs, instant + monoOrigin);
          const takerTakes = takerMayTake(renewedAtWall, leaseMs, instant + holderError + skew);
          expect(holderActs && takerTakes).toBe(false);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('given a holder whose monotonic clock runs slow by up to 15 %, when it still thinks its lease covers it, then no taker within the allowance has taken over', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 3_600_000 }),
        fc.integer({ min: 0, max: 10 ** 8 }),
        fc.double({ min: 0.85, max: 1, noNaN: true }), // monotonic ms per real ms
        fc.integer({ min: -(CLOCK_SKEW_ALLOWANCE_MS - 1), max: CLOCK_SKEW_ALLOWANCE_MS - 1 }),
        (leaseMs, elapsed, rate, skew) => {
          const holderActs = holderMayAct(0, leaseMs, elapsed * rate);
          const takerTakes = takerMayTake(0, leaseMs, elapsed + skew);
          expect(holderActs && takerTakes).toBe(false);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('given a lease of 60 s, then the holder stops acting 10 s before it ends and a taker waits 5 s past it', () => {
    expect(holderMarginMs(60_000)).toBe(10_000);
    expect(holderMayAct(0, 60_000, 49_999)).toBe(true);
    expect(holderMayAct(0, 60_000, 50_000)).toBe(false);
    expect(takerMayTake(0, 60_000, 65_000)).toBe(false);
    expect(takerMayTake(0, 60_000, 65_001)).toBe(true);
  });

  it('given a renewal time that is not a time, then nobody may take the lock over on its account', () => {
    expect(takerMayTake(Number.NaN, 60_000, Date.now())).toBe(false);
  });
});
