import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../engine/testing/manual-clock.js';
import type { PushNotice } from './listener/webhook.js';
import type { Trigger } from './ports.js';
import { startWatchLoop } from './loop.js';

const push = (deliveryId: string): PushNotice => ({
  deliveryId,
  ref: 'refs/heads/main',
  after: 'a'.repeat(40),
  repository: undefined,
});

/** A cycle that records what it was given and waits for the test to let it finish. */
function recordingCycle() {
  const calls: Array<{ at: number; triggers: string[] }> = [];
  let running = 0;
  let overlapped = false;
  const gates: Array<() => void> = [];
  let hold = false;
  return {
    calls,
    overlapped: () => overlapped,
    holdNext: () => void (hold = true),
    release: () => gates.shift()?.(),
    cycleWith: (now: () => number) => async (triggers: readonly Trigger[]) => {
      running += 1;
      if (running > 1) overlapped = true;
      calls.push({
        at: now(),
        triggers: triggers.map((trigger) => (trigger.kind === 'tick' ? 'tick' : trigger.push.deliveryId)),
      });
      if (hold) {
        hold = false;
        await new Promise<void>((resolve) => gates.push(resolve));
      }
      running -= 1;
      return 0;
    },
  };
}

describe('the serial watch loop', () => {
  it('given an interval, then a cycle runs at once and then after every interval', async () => {
    // Given
    const clock = createManualClock();
    const stop = new AbortController();
    const recorder = recordingCycle();

    // When
    const loop = startWatchLoop({
      clock,
      intervalMs: 30_000,
      once: false,
      signal: stop.signal,
      cycle: recorder.cycleWith(clock.now),
      onCrash: () => {},
    });
    await clock.advance(29_999);
    const beforeInterval = recorder.calls.length;
    await clock.advance(1);
    await clock.advance(30_000);
    stop.abort();

    // Then
    expect(await loop.done).toBe(0);
    expect(beforeInterval).toBe(1);
    expect(recorder.calls).toEqual([
      { at: 0, triggers: ['tick'] },
      { at: 30_000, triggers: ['tick'] },
      { at: 60_000, triggers: ['tick'] },
    ]);
  });

  it('given a push while waiting, then its cycle runs at once, not at the next interval', async () => {
    const clock = createManualClock();
    const stop = new AbortController();
    const recorder = recordingCycle();
    const loop = startWatchLoop({
      clock,
      intervalMs: 30_000,
      once: false,
      signal: stop.signal,
      cycle: recorder.cycleWith(clock.now),
      onCrash: () => {},
    });

    await clock.advance(10_000);
    loop.enqueue({ kind: 'push', push: push('d-1') });
    await clock.advance(0);
    stop.abort();
    await loop.done;

    expect(recorder.calls).toEqual([
      { at: 0, triggers: ['tick'] },
      { at: 10_000, triggers: ['d-1'] },
    ]);
  });

  it('given pushes during a long cycle, then they wait for it and run together in one cycle after it — never two at once', async () => {
    const clock = createManualClock();
    const stop = new AbortController();
    const recorder = recordingCycle();
    recorder.holdNext();
    const loop = startWatchLoop({
      clock,
      intervalMs: 30_000,
      once: false,
      signal: stop.signal,
      cycle: recorder.cycleWith(clock.now),
      onCrash: () => {},
    });

    await clock.advance(1_000);
    loop.enqueue({ kind: 'push', push: push('d-1') });
    loop.enqueue({ kind: 'push', push: push('d-2') });
    await clock.advance(60_000); // the first cycle is still running: nothing else starts
    const whileHeld = recorder.calls.length;
    recorder.release();
    await clock.advance(0);
    stop.abort();
    await loop.done;

    expect(whileHeld).toBe(1);
    expect(recorder.calls.map((call) => call.triggers)).toEqual([['tick'], ['d-1', 'd-2']]);
    expect(recorder.overlapped()).toBe(false);
  });

  it('given a stop during a cycle, then that cycle finishes with the signal aborted and no other starts', async () => {
    const clock = createManualClock();
    const stop = new AbortController();
    let sawAbort = false;
    let cycles = 0;
    let finish: () => void = () => {};
    const loop = startWatchLoop({
      clock,
      intervalMs: 1_000,
      once: false,
      signal: stop.signal,
      cycle: async (_triggers, signal) => {
        cycles += 1;
        await new Promise<void>((resolve) => (finish = resolve));
        sawAbort = signal.aborted;
        return 0;
      },
      onCrash: () => {},
    });

    await clock.advance(0);
    stop.abort();
    loop.enqueue({ kind: 'push', push: push('late') });
    finish();

    expect(await loop.done).toBe(0);
    expect(sawAbort).toBe(true);
    expect(cycles).toBe(1);
  });

  it('given --once, then one cycle runs and the loop ends with its exit code', async () => {
    const clock = createManualClock();
    let cycles = 0;
    const loop = startWatchLoop({
      clock,
      intervalMs: 1_000,
      once: true,
      signal: new AbortController().signal,
      cycle: async () => {
        cycles += 1;
        return 4;
      },
      onCrash: () => {},
    });

    expect(await loop.done).toBe(4);
    expect(cycles).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it('given a cycle that throws (a bug), then it is reported and the next cycle still runs', async () => {
    const clock = createManualClock();
    const stop = new AbortController();
    const crashes: string[] = [];
    let cycles = 0;
    const loop = startWatchLoop({
      clock,
      intervalMs: 1_000,
      once: false,
      signal: stop.signal,
      cycle: async () => {
        cycles += 1;
        if (cycles === 1) throw new Error('boom');
        return 0;
      },
      onCrash: (error) => crashes.push((error as Error).message),
    });

    await clock.advance(1_000);
    stop.abort();
    await loop.done;

    expect(crashes).toEqual(['boom']);
    expect(cycles).toBe(2);
  });
});
