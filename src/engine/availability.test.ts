import { describe, expect, it } from 'vitest';
import { ok } from '../core/result.js';
import { Availability, type SlotAnswer } from './availability.js';
import { createManualClock } from './testing/manual-clock.js';

const never = new AbortController().signal;

describe('Availability (the maxUnavailable guard)', () => {
  it('grants up to max slots and makes the next host wait until one is released', async () => {
    // Given a cap of 2
    const guard = new Availability([{ group: 'web', max: 2, alreadyOut: [] }]);
    expect(await guard.acquire('web', 'a', never)).toBe('granted');
    expect(await guard.acquire('web', 'b', never)).toBe('granted');
    // When a third host asks
    let third: SlotAnswer | undefined;
    const pending = guard.acquire('web', 'c', never).then((answer) => (third = answer));
    await Promise.resolve();
    // Then it waits until one is back in rotation
    expect(third).toBeUndefined();
    guard.release('web', 'a');
    await pending;
    expect(third).toBe('granted');
    expect(guard.outOfRotation('web').sort()).toEqual(['b', 'c']);
  });

  it('counts a failed host against the cap and answers blocked when nothing can free a slot', async () => {
    const guard = new Availability([{ group: 'web', max: 1, alreadyOut: [] }]);
    await guard.acquire('web', 'a', never);
    const waiting = guard.acquire('web', 'b', never);
    // When the host out of rotation fails and stays out
    guard.stuck('web', 'a');
    // Then the waiter is told no slot will come, instead of hanging
    expect(await waiting).toEqual({ blocked: 'maxUnavailable 1 is taken by a, out of rotation' });
    expect(guard.outOfRotation('web')).toEqual(['a']);
  });

  it('counts hosts left out before the run, and lets such a host work in its own slot', async () => {
    const guard = new Availability([{ group: 'web', max: 1, alreadyOut: ['old'] }]);
    expect(await guard.acquire('web', 'old', never)).toBe('granted');
    const other = guard.acquire('web', 'new', never);
    guard.release('web', 'old');
    expect(await other).toBe('granted');
  });

  it('cancels a wait when the run stops', async () => {
    const guard = new Availability([{ group: 'web', max: 1, alreadyOut: [] }]);
    await guard.acquire('web', 'a', never);
    const stop = new AbortController();
    const waiting = guard.acquire('web', 'b', stop.signal);
    stop.abort();
    expect(await waiting).toBe('cancelled');
  });

  it('counts servers the load balancer does not serve, whoever took them out, and waits for them a bounded time', async () => {
    // Given a cap of 2 and web-03, which this run never touched, DOWN by HAProxy's checks
    const clock = createManualClock({ auto: true });
    const sick = new Map([['web-03', 'web-03 DOWN on edge']]);
    const guard = new Availability([{ group: 'web', max: 2, alreadyOut: [] }], {
      notServing: async () => ok(new Map(sick)),
      clock,
      pollMs: 100,
      waitMs: 5_000,
    });
    // When two hosts ask for slots
    expect(await guard.acquire('web', 'web-01', never)).toBe('granted');
    const second = await guard.acquire('web', 'web-02', never);
    // Then only one is granted: web-03 holds the other slot, and after waiting the run is told why
    expect(second).toEqual({
      blocked: 'maxUnavailable 2 is used up: web-03 DOWN on edge — not serving, with 1 out for this run',
    });
    expect(clock.now()).toBeGreaterThanOrEqual(5_000);
    expect(guard.outOfRotation('web')).toEqual(['web-01']);
  });

  it('grants the slot once a sick server recovers within the wait', async () => {
    const clock = createManualClock({ auto: true });
    const sick = new Map([['web-03', 'web-03 DOWN on edge']]);
    const guard = new Availability([{ group: 'web', max: 1, alreadyOut: [] }], {
      notServing: async () => {
        if (clock.now() >= 1_000) sick.clear();
        return ok(new Map(sick));
      },
      clock,
      pollMs: 100,
      waitMs: 5_000,
    });
    expect(await guard.acquire('web', 'web-01', never)).toBe('granted');
    expect(clock.now()).toBeGreaterThanOrEqual(1_000);
    expect(clock.now()).toBeLessThan(5_000);
  });

  it('never grants the same last slot twice, even to hosts asking at once', async () => {
    const clock = createManualClock({ auto: true });
    const guard = new Availability([{ group: 'web', max: 1, alreadyOut: [] }], {
      // A slow read: both hosts ask while the first is still counting
      notServing: async () => {
        await clock.sleep(10);
        return ok(new Map());
      },
      clock,
      pollMs: 100,
      waitMs: 1_000,
    });
    const answers: string[] = [];
    const a = guard.acquire('web', 'a', never).then((x) => answers.push(`a ${JSON.stringify(x)}`));
    const b = guard.acquire('web', 'b', never).then((x) => answers.push(`b ${JSON.stringify(x)}`));
    await a;
    expect(answers).toEqual(['a "granted"']);
    guard.release('web', 'a');
    await b;
    expect(answers).toEqual(['a "granted"', 'b "granted"']);
  });
});
