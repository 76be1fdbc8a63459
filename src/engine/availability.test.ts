import { describe, expect, it } from 'vitest';
import { Availability } from './availability.js';

const never = new AbortController().signal;

describe('Availability (the maxUnavailable guard)', () => {
  it('grants up to max slots and makes the next host wait until one is released', async () => {
    // Given a cap of 2
    const guard = new Availability([{ group: 'web', max: 2, alreadyOut: [] }]);
    expect(await guard.acquire('web', 'a', never)).toBe('granted');
    expect(await guard.acquire('web', 'b', never)).toBe('granted');
    // When a third host asks
    let third: string | undefined;
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
    expect(await waiting).toBe('blocked');
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
});
