import { describe, expect, it } from 'vitest';
import { systemClock } from './clock.js';

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
