import { describe, expect, it } from 'vitest';
import { initialRunView, reduce, reduceAll, TAIL_LENGTH } from './run-view.js';
import { scenario } from './run-events.fixture.js';

describe('run view reducer', () => {
  it('given a run in two halves that succeeds, when folded, then every host is done on the new version and back in rotation', () => {
    // Given
    const run = scenario({ hosts: 5 });
    // When
    const view = reduceAll(run.success());
    // Then
    expect(view.header).toMatchObject({ rollout: 'web', environment: 'staging', operator: 'alice', runId: 'run-1' });
    expect(view.header?.commit.subject).toBe('web: demo 1.1');
    expect(view.batches.map((b) => [b.index, b.status, b.hosts.length, b.counts.done])).toEqual([
      [1, 'done', 3, 3],
      [2, 'done', 2, 2],
    ]);
    const host = view.hosts.get('web-04');
    expect(host).toMatchObject({
      state: 'done',
      rotation: 'in',
      from: { demo: '1.0' },
      to: { demo: '1.1' },
      passes: 2,
      threshold: 2,
      step: undefined,
    });
    expect(view.groups.get('web')).toEqual({ name: 'web', size: 5, inRotation: 5, draining: 0, out: 0 });
    expect(view.counts.done).toBe(5);
    expect(view.result).toMatchObject({ result: 'succeeded', exitCode: 0, changed: run.batchHosts.flat() });
    expect(view.answers).toEqual([
      { afterBatch: 1, decision: 'approve', by: 'bob', reason: 'graphs look fine', at: expect.any(String) },
    ]);
    expect(view.gate).toBeUndefined();
  });

  it('given a host mid-upgrade, when folded so far, then it shows the step, when it started, and the group counts it out', () => {
    // Given
    const run = scenario({ hosts: 4 });
    const events = run.success();
    const upgrading = events.findIndex((e) => e.type === 'host.upgrade.started' && e.host === 'web-02');
    // When
    const view = reduceAll(events.slice(0, upgrading + 1));
    // Then
    const host = view.hosts.get('web-02');
    expect(host).toMatchObject({
      state: 'upgrading',
      step: 'upgrade',
      rotation: 'out',
      stepStartedAt: Date.parse(events[upgrading]?.at ?? ''),
    });
    expect(view.hosts.get('web-01')?.state).toBe('done');
    expect(view.hosts.get('web-03')?.state).toBe('waiting');
    expect(view.groups.get('web')).toMatchObject({ inRotation: 3, out: 1, draining: 0 });
    expect(view.activeBatch).toBe(1);
    expect(view.batches[0]?.counts).toMatchObject({ done: 1, upgrading: 1, waiting: 0 });
  });

  it('given a health check failing, when folded, then the host shows passes n/threshold and the last reason', () => {
    const run = scenario({ hosts: 4 });
    const events = run.failure();
    const firstFail = events.findIndex((e) => e.type === 'host.health.checked' && e.measurement.phase === 'fail');
    const view = reduceAll(events.slice(0, firstFail + 1));
    expect(view.hosts.get('web-02')).toMatchObject({
      state: 'checking',
      passes: 0,
      threshold: 2,
      lastCheck: { check: 'http', phase: 'fail', reason: 'GET /health answered 500' },
    });
  });

  it('given a failure with rollback, when folded, then the batch is rolled back, the run failed, and the tail says why', () => {
    const view = reduceAll(scenario({ hosts: 4 }).failure());
    expect(view.hosts.get('web-01')).toMatchObject({ state: 'rolled-back', rotation: 'in', to: { demo: '1.0' } });
    expect(view.hosts.get('web-02')).toMatchObject({
      state: 'rolled-back',
      rotation: 'in',
      reason: 'GET /health answered 500 for 60s',
    });
    expect(view.hosts.get('web-03')?.state).toBe('waiting');
    expect(view.batches[0]?.status).toBe('failed');
    expect(view.batches[1]?.status).toBe('pending');
    expect(view.result).toMatchObject({ result: 'rolled-back', exitCode: 1 });
    const tail = view.tail.map((t) => t.text);
    expect(tail).toContain('web-02 failed at health: GET /health answered 500 for 60s (out of rotation)');
    // The same failing reason twice is said once.
    expect(tail.filter((t) => t.startsWith('web-02 http:'))).toHaveLength(1);
  });

  it('given a halt, when folded, then the failed host stays failed and out of rotation', () => {
    const view = reduceAll(scenario({ hosts: 4, onFailure: 'halt' }).failure());
    expect(view.hosts.get('web-02')).toMatchObject({ state: 'failed', rotation: 'out' });
    expect(view.groups.get('web')).toMatchObject({ inRotation: 3, out: 1 });
    expect(view.result?.hostsOut.map((h) => h.host)).toEqual(['web-02']);
  });

  it('given a timed gate, when folded, then the gate shows its summary and when it ends', () => {
    const events = scenario({ hosts: 4, pause: 'timed' }).untilGate();
    const view = reduceAll(events);
    const last = events[events.length - 1];
    expect(view.gate).toEqual({
      afterBatch: 1,
      batches: 2,
      pause: 'timed',
      until: Date.parse(last?.at ?? '') + 30_000,
      summary: 'Batch 1/2 done — 2 hosts healthy on demo 1.1',
      since: Date.parse(last?.at ?? ''),
      required: 1,
      approvedBy: [],
    });
  });

  it('given hosts already at the committed versions, when folded, then they are unchanged and in no batch', () => {
    const view = reduceAll(scenario({ hosts: 5, converged: 1 }).success());
    expect(view.hosts.get('web-05')).toMatchObject({ state: 'unchanged', batch: undefined });
    expect(view.counts).toMatchObject({ done: 4, unchanged: 1 });
  });

  it('given the previous state, when an event is reduced, then the previous state is left untouched', () => {
    const events = scenario({ hosts: 4 }).success();
    const before = reduceAll(events.slice(0, 3));
    const snapshot = before.hosts.get('web-01');
    const after = reduce(before, events[3]!);
    expect(before.hosts.get('web-01')).toBe(snapshot);
    expect(after.hosts.get('web-01')?.state).toBe('draining');
    expect(before.hosts.get('web-01')?.state).toBe('waiting');
  });

  // How fast it folds is bench/engine-views.bench.ts's to measure (targets are benchmarks, never timed tests).
  it('given a 1,000-host run, when folded, then the counts add up and the tail stays bounded', () => {
    const events = scenario({ hosts: 1_000 }).success();
    const view = reduceAll(events);
    expect(view.counts.done).toBe(1_000);
    expect(view.batches.map((b) => b.counts.done)).toEqual([500, 500]);
    expect(view.tail).toHaveLength(TAIL_LENGTH);
  });

  it('given events without a run.started (a partial stream), when folded, then batches and hosts are learnt from the events', () => {
    const events = scenario({ hosts: 2, batchSizes: [2] })
      .success()
      .filter((e) => e.type !== 'run.started');
    const view = reduceAll(events, initialRunView());
    expect(view.batches).toHaveLength(1);
    expect(view.hosts.get('web-02')).toMatchObject({ state: 'done', group: 'web', batch: 1 });
    expect(view.groups.get('web')).toMatchObject({ size: 2, inRotation: 2 });
  });
});
