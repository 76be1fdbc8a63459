import { describe, expect, it } from 'vitest';
import type { AdminState, Clock, LoadBalancer, ServerStatus } from '../ports.js';
import { fail, ok, okVoid } from '../../core/result.js';
import type { Result } from '../../core/result.js';
import { createManualClock } from '../testing/manual-clock.js';
import { drainHost, returnHost } from './drain.js';

/**
 * A recording load balancer with one server. Sessions follow a script keyed on
 * the virtual time; the status after `ready` is scripted the same way.
 */
function fakeLoadBalancer(
  name: string,
  clock: Clock,
  script: {
    sessionsAt?: (ms: number) => number;
    statusAfterReady?: (ms: number) => string;
    setStateFails?: AdminState;
  } = {},
) {
  const calls: string[] = [];
  let adminState: AdminState = 'ready';
  let readyAt = 0;
  const current = (): ServerStatus => {
    const now = clock.now();
    if (adminState === 'maint') return { status: 'MAINT', adminState, sessions: 0 };
    if (adminState === 'drain') return { status: 'DRAIN', adminState, sessions: script.sessionsAt?.(now) ?? 0 };
    return { status: script.statusAfterReady?.(now - readyAt) ?? 'UP', adminState, sessions: 0 };
  };
  const lb: LoadBalancer & { calls: string[] } = {
    name,
    calls,
    info: async () => ok({ pid: 1, startedAtMs: 0, uptimeSec: 0, version: 'fake' }),
    verify: async () => okVoid,
    status: async (server): Promise<Result<ServerStatus>> => {
      calls.push(`status ${server} @${clock.now()}`);
      return ok(current());
    },
    statuses: async () => ok(new Map([['web-01', current()]])),
    setState: async (server, state) => {
      calls.push(`${state} ${server} @${clock.now()}`);
      if (script.setStateFails === state)
        return fail(`${name}: HAProxy refused "set server app/${server} state ${state}"`);
      adminState = state;
      if (state === 'ready') readyAt = clock.now();
      return okVoid;
    },
  };
  return lb;
}

const options = (clock: Clock, overrides: { timeoutMs?: number; signal?: AbortSignal } = {}) => ({
  timeoutMs: overrides.timeoutMs ?? 30_000,
  pollMs: 1_000,
  clock,
  signal: overrides.signal ?? new AbortController().signal,
});

describe('drainHost', () => {
  it('given a server with open sessions, when drained, then it waits until they reach 0 before setting maint', async () => {
    const clock = createManualClock({ auto: true });
    const lb = fakeLoadBalancer('edge', clock, { sessionsAt: (ms) => (ms < 2_500 ? 2 : 0) });

    const drained = await drainHost([lb], 'web-01', options(clock));

    expect(drained).toEqual({ ok: true, value: { sessions: 0, timedOut: false } });
    expect(lb.calls).toEqual([
      'drain web-01 @0',
      'status web-01 @0',
      'status web-01 @1000',
      'status web-01 @2000',
      'status web-01 @3000',
      'maint web-01 @3000',
    ]);
  });

  it('given sessions that never close, when drain.timeout passes, then it sets maint anyway and reports the timeout', async () => {
    const clock = createManualClock({ auto: true });
    const lb = fakeLoadBalancer('edge', clock, { sessionsAt: () => 3 });

    const drained = await drainHost([lb], 'web-01', options(clock, { timeoutMs: 2_500 }));

    expect(drained).toEqual({ ok: true, value: { sessions: 3, timedOut: true } });
    expect(lb.calls.at(-1)).toBe('maint web-01 @2500');
    expect(clock.sleeps).toEqual([1_000, 1_000, 500]);
  });

  it('given two load balancers, when drained, then both get drain, both are waited for, then both get maint', async () => {
    const clock = createManualClock({ auto: true });
    const edge = fakeLoadBalancer('edge', clock, { sessionsAt: (ms) => (ms < 1_000 ? 1 : 0) });
    const inner = fakeLoadBalancer('inner', clock, { sessionsAt: (ms) => (ms < 2_000 ? 4 : 0) });

    const drained = await drainHost([edge, inner], 'web-01', options(clock));

    expect(drained).toEqual({ ok: true, value: { sessions: 0, timedOut: false } });
    for (const lb of [edge, inner]) {
      expect(lb.calls[0]).toBe('drain web-01 @0');
      expect(lb.calls.at(-1)).toBe('maint web-01 @2000');
    }
  });

  it('given a load balancer that refuses drain, when drained, then the failure comes back and nothing waits', async () => {
    const clock = createManualClock({ auto: true });
    const lb = fakeLoadBalancer('edge', clock, { setStateFails: 'drain' });

    const drained = await drainHost([lb], 'web-01', options(clock));

    expect(drained.ok).toBe(false);
    if (!drained.ok) expect(drained.error.message).toContain('edge: HAProxy refused');
    expect(lb.calls).toEqual(['drain web-01 @0']);
  });

  it('given an abort while sessions are open, when drained, then it stops without setting maint', async () => {
    const clock = createManualClock();
    const lb = fakeLoadBalancer('edge', clock, { sessionsAt: () => 1 });
    const controller = new AbortController();

    const draining = drainHost([lb], 'web-01', options(clock, { signal: controller.signal }));
    await clock.advance(1_500);
    controller.abort();
    const drained = await draining;

    expect(drained.ok).toBe(false);
    expect(lb.calls.filter((call) => call.startsWith('maint'))).toEqual([]);
  });
});

describe('returnHost', () => {
  it('given a server that comes UP a while after ready, when returned, then it waits for UP', async () => {
    const clock = createManualClock({ auto: true });
    const lb = fakeLoadBalancer('edge', clock, { statusAfterReady: (ms) => (ms < 1_500 ? 'DOWN 1/2' : 'UP') });

    const returned = await returnHost([lb], 'web-01', options(clock));

    expect(returned).toEqual(okVoid);
    expect(lb.calls).toEqual(['ready web-01 @0', 'status web-01 @0', 'status web-01 @1000', 'status web-01 @2000']);
  });

  it('given a server whose check just failed ("UP 1/3"), when returned, then that does not count as UP', async () => {
    const clock = createManualClock({ auto: true });
    const lb = fakeLoadBalancer('edge', clock, { statusAfterReady: () => 'UP 1/3' });

    const returned = await returnHost([lb], 'web-01', options(clock, { timeoutMs: 3_000 }));

    expect(returned.ok).toBe(false);
  });

  it('given a server without checks ("no check"), when returned, then it is up at once', async () => {
    const clock = createManualClock({ auto: true });
    const lb = fakeLoadBalancer('edge', clock, { statusAfterReady: () => 'no check' });
    expect(await returnHost([lb], 'web-01', options(clock))).toEqual(okVoid);
  });

  it('given one of two load balancers never reports UP, when the timeout passes, then the failure names it and its last status', async () => {
    const clock = createManualClock({ auto: true });
    const edge = fakeLoadBalancer('edge', clock);
    const inner = fakeLoadBalancer('inner', clock, { statusAfterReady: () => 'DOWN' });

    const returned = await returnHost([edge, inner], 'web-01', options(clock, { timeoutMs: 5_000 }));

    expect(returned).toEqual({
      ok: false,
      error: { message: 'web-01: not UP within 5s after ready: inner reports "DOWN"' },
    });
    expect(clock.now()).toBe(5_000);
    expect(edge.calls[0]).toBe('ready web-01 @0');
    expect(inner.calls[0]).toBe('ready web-01 @0');
  });
});
