import { describe, expect, it } from 'vitest';
import { createSystemClock, systemClock } from './clock.js';

describe('systemClock', () => {
  it('given a short sleep, when it ends, then at least that much real time has passed', async () => {
    const start = systemClock.now();
    await systemClock.sleep(30);
    expect(systemClock.now() - start).toBeGreaterThanOrEqual(25);
  });

  it('given a long sleep, when its signal aborts, then it resolves early without throwing', async () => {
    const controller = new AbortController();
    const start = Date.now();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it('given an already aborted signal, when sleeping, then it resolves at once', async () => {
    const start = Date.now();
    await systemClock.sleep(60_000, AbortSignal.abort());
    expect(Date.now() - start).toBeLessThan(1_000);
  });
});

describe('systemClock with sleeps longer than a Node timer can hold', () => {
  it('given a sleep beyond 2^31-1 ms, when 50 ms pass, then it is still sleeping (not fired after 1 ms)', async () => {
    // Given a sleep of 597 hours, longer than one Node timer can wait
    const controller = new AbortController();
    let ended = false;
    const sleeping = systemClock.sleep(597 * 3_600_000, controller.signal).then(() => {
      ended = true;
    });
    // When some real time passes
    await systemClock.sleep(50);
    // Then it has not ended; aborting still ends it
    expect(ended).toBe(false);
    controller.abort();
    await sleeping;
    expect(ended).toBe(true);
  });

  it('given a clock whose timers hold at most 20 ms, when sleeping 70 ms, then it waits the whole 70 ms', async () => {
    // Given timers chained in 20 ms links (the same code path as a 600 h sleep)
    const clock = createSystemClock(20);
    const start = Date.now();
    // When sleeping longer than one link
    await clock.sleep(70);
    // Then the whole duration passed, not one link
    expect(Date.now() - start).toBeGreaterThanOrEqual(65);
  });
});
