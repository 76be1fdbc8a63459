import { describe, expect, it } from 'vitest';
import { loopHealth, staleAfterMs } from './health.js';
import type { Cycle } from './ports.js';

const T0 = Date.parse('2026-12-02T10:00:00.000Z');
const INTERVAL = 30_000;

function given() {
  let now = T0;
  const health = loopHealth({ now: () => now, staleAfterMs: staleAfterMs(INTERVAL), startedAt: T0 });
  let finish: (code: number) => void = () => {};
  const cycle: Cycle = () => new Promise<number>((resolve) => (finish = resolve));
  const wrapped = health.around(cycle);
  return {
    health,
    startCycle: () => wrapped([{ kind: 'tick' }], new AbortController().signal),
    finish: (code = 0) => finish(code),
    advance: (ms: number) => void (now += ms),
    now: () => now,
  };
}

describe('loopHealth (/healthz)', () => {
  it('Given a cycle in flight for an hour (a run at a gate), When asked, Then ok and running', async () => {
    const { health, startCycle, advance, now, finish } = given();
    const cycle = startCycle();
    advance(3_600_000);
    expect(health.report(now())).toEqual({
      status: 200,
      body: { status: 'ok', cycle: 'running', lastCycleEndedAt: undefined, cycles: 0 },
    });
    finish();
    await cycle;
  });

  it('Given a cycle that ended, When asked within two intervals and a minute, Then ok; later, 503 stalled', async () => {
    const { health, startCycle, advance, now, finish } = given();
    const cycle = startCycle();
    advance(1_000);
    finish();
    await cycle;
    const endedAt = new Date(now()).toISOString();

    advance(staleAfterMs(INTERVAL));
    expect(health.report(now())).toEqual({
      status: 200,
      body: { status: 'ok', cycle: 'idle', lastCycleEndedAt: endedAt, cycles: 1 },
    });
    advance(1);
    expect(health.report(now())).toMatchObject({ status: 503, body: { status: 'stalled', cycle: 'idle' } });
  });

  it('Given a stop was asked, When asked, Then 503 stopping even while the last cycle finishes', async () => {
    const { health, startCycle, now, finish } = given();
    const cycle = startCycle();
    health.stopping();
    expect(health.report(now())).toMatchObject({ status: 503, body: { status: 'stopping', cycle: 'running' } });
    finish();
    await cycle;
  });

  it('Given a cycle that throws, When asked, Then it counts as ended (the loop reports the crash and goes on)', async () => {
    const health = loopHealth({ now: () => T0, staleAfterMs: 1, startedAt: T0 });
    const crashing = health.around(() => Promise.reject(new Error('bug')));
    await expect(crashing([{ kind: 'tick' }], new AbortController().signal)).rejects.toThrow('bug');
    expect(health.cycles()).toBe(1);
    expect(health.lastCycleEndedAt()).toBe(T0);
  });
});
