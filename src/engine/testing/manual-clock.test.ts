import { describe, expect, it } from 'vitest';
import { createManualClock } from './manual-clock.js';

describe('createManualClock', () => {
  it('given a sleeper, when time advances short of its wake-up, then it keeps sleeping; past it, it wakes', async () => {
    const clock = createManualClock({ start: 1_000 });
    let woke = false;
    void clock.sleep(500).then(() => (woke = true));

    await clock.advance(499);
    expect(woke).toBe(false);
    expect(clock.now()).toBe(1_499);

    await clock.advance(1);
    expect(woke).toBe(true);
    expect(clock.now()).toBe(1_500);
  });

  it('given sleepers that sleep again when woken, when advancing, then each wakes in time order at its own instant', async () => {
    const clock = createManualClock();
    const seen: string[] = [];
    const loop = async (name: string, every: number) => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(every);
        seen.push(`${name}@${clock.now()}`);
      }
    };
    const both = Promise.all([loop('a', 300), loop('b', 200)]);
    await clock.advance(1_000);
    await both;
    expect(seen).toEqual(['b@200', 'a@300', 'b@400', 'a@600', 'b@600', 'a@900']);
  });

  it('given auto mode, when tasks sleep, then time jumps to each wake-up and nothing waits for real', async () => {
    const clock = createManualClock({ auto: true });
    const started = Date.now();
    await clock.sleep(60 * 60_000);
    await Promise.all([clock.sleep(1_000), clock.sleep(3_000)]);
    expect(clock.now()).toBe(60 * 60_000 + 3_000);
    expect(clock.sleeps).toEqual([3_600_000, 1_000, 3_000]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('given a sleeper, when its signal aborts, then it resolves without time passing', async () => {
    const clock = createManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(10_000, controller.signal);
    expect(clock.pending()).toBe(1);
    controller.abort();
    await sleeping;
    expect(clock.pending()).toBe(0);
    expect(clock.now()).toBe(0);
  });
});
