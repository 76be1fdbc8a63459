import { describe, expect, it } from 'vitest';
import type { RunEvent } from './events.js';
import { createEmitter } from './emitter.js';
import { createManualClock } from './testing/manual-clock.js';

describe('createEmitter', () => {
  it('masks secrets before the journal and the views see an event', async () => {
    const journaled: RunEvent[] = [];
    const seen: RunEvent[] = [];
    const emit = createEmitter('run-1', { append: async (e) => void journaled.push(e) }, createManualClock(), [
      (e) => seen.push(e),
    ]);
    await emit({
      type: 'host.health.checked',
      host: 'web-01',
      check: 'http GET https://ops:hunter2@web-01/health?token=s3cr3t',
      measurement: { phase: 'fail', reason: 'curl -H "Authorization: Bearer abc.def" said 401' },
      passes: 0,
      threshold: 2,
    });
    for (const event of [...journaled, ...seen]) {
      const text = JSON.stringify(event);
      expect(text).not.toMatch(/hunter2|s3cr3t|abc\.def/);
      expect(text).toContain('[redacted]');
    }
  });

  it('journals before listeners see an event, and detaches a listener that throws instead of failing the run', async () => {
    // Given a journal, a view that breaks on its second event, and a healthy view
    const journaled: RunEvent[] = [];
    const seen: string[] = [];
    let calls = 0;
    const broken = () => {
      if (++calls === 2) throw new Error('EPIPE');
    };
    const emit = createEmitter('run-1', { append: async (e) => void journaled.push(e) }, createManualClock(), [
      broken,
      (e) => seen.push(`${e.seq} ${e.type}`),
    ]);
    // When three events are emitted
    await emit({ type: 'log', level: 'info', message: 'one' });
    await emit({ type: 'log', level: 'info', message: 'two' });
    await emit({ type: 'log', level: 'info', message: 'three' });
    // Then every event reached the journal and the healthy view, the broken view was detached after its failure, and the journal says so
    expect(calls).toBe(2);
    expect(journaled.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(journaled[2]).toMatchObject({
      type: 'log',
      level: 'error',
      message: expect.stringContaining('detached: Error: EPIPE'),
    });
    expect(seen).toEqual(['1 log', '2 log', '3 log', '4 log']);
  });
});
