import { describe, expect, it } from 'vitest';
import type { Condition, MetricReading } from '../core/analysis.js';
import type { AnalysisSettings, MetricSettings } from '../spec/model.js';
import type { GateRequest } from './ports.js';
import { scriptedApprover } from './testing/fake-world.js';
import { fakeMetrics } from './testing/fake-metrics.js';
import { runScenario } from './testing/run-scenario.js';
import { planRollout } from '../plan/planner.js';
import { allOn, rolloutFixture } from '../testing/rollout-builder.js';

const lt = (value: number): Condition => ({ op: '<', value });
const ge = (value: number): Condition => ({ op: '>=', value });

const errors = (overrides: Partial<MetricSettings> = {}): MetricSettings => ({
  name: 'errors',
  source: { kind: 'haproxy', measure: 'http5xxRate', minRequests: 20, baseline: false },
  pass: lt(0.05),
  fail: ge(0.2),
  failureLimit: 0,
  inconclusiveLimit: 0,
  ...overrides,
});

const analysis = (overrides: Partial<AnalysisSettings> = {}): AnalysisSettings => ({
  intervalMs: 1_000,
  count: 5,
  onInconclusive: 'pause',
  metrics: [errors()],
  ...overrides,
});

const value = (v: number): MetricReading => ({ ok: true, value: v });
const noData: MetricReading = { ok: false, reason: '3 responses since the batch returned, fewer than minRequests 20' };

describe('the analysis after a batch', () => {
  it('Given an error rate that fails in batch 1, then batch 1 is rolled back, batch 2 untouched, and the run exits 1', async () => {
    const metrics = fakeMetrics((_source, scope) => value(scope.batch === 1 ? 0.3 : 0));
    const { outcome, world, of } = await runScenario({ fixture: { analysis: analysis() }, metrics });
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.exitCode).toBe(1);
    expect(outcome.message).toContain('batch 1 failed its analysis (fail: errors: 1 of 1 measurement failed (limit 0)');
    expect(Object.values(world.installed).map((v) => v.demo)).toEqual(['1.0', '1.0', '1.0', '1.0']);
    expect(world.outOfRotation()).toEqual([]);
    expect(of('batch.started').map((e) => e.batch)).toEqual([1]);
    // measured over batch 1's hosts, the rest of the group as baseline; a fail stops the measuring at once
    expect(metrics.opened.map((o) => [o.scope.hosts.map((h) => h.host), o.scope.others.map((h) => h.host)])).toEqual([
      [
        ['web-01', 'web-02'],
        ['web-03', 'web-04'],
      ],
    ]);
    expect(metrics.reads).toBe(1);
    expect(of('analysis.finished')[0]).toMatchObject({ verdict: 'fail', action: 'fail', stoppedEarly: true });
    expect(world.violations).toEqual([]);
  });

  it('Given onFailure halt, then a failed analysis stops the run with the batch on its new versions, in rotation', async () => {
    const metrics = fakeMetrics(() => value(0.5));
    const { outcome, world } = await runScenario({ fixture: { analysis: analysis(), onFailure: 'halt' }, metrics });
    expect(outcome.result).toBe('halted');
    expect(outcome.exitCode).toBe(1);
    expect(world.installed['web-01']?.demo).toBe('1.1');
    expect(world.installed['web-03']?.demo).toBe('1.0');
    expect(world.outOfRotation()).toEqual([]);
  });

  it('Given fails within failureLimit, then every measurement is taken and the batches go on', async () => {
    const metrics = fakeMetrics((_s, _scope, read) => value(read === 2 ? 0.5 : 0.01));
    const { outcome, of } = await runScenario({
      fixture: { analysis: analysis({ metrics: [errors({ failureLimit: 1 })] }) },
      metrics,
    });
    expect(outcome.result).toBe('succeeded');
    expect(of('analysis.measured').map((e) => e.measurement.phase)).toEqual([
      ...['pass', 'fail', 'pass', 'pass', 'pass'],
      ...['pass', 'fail', 'pass', 'pass', 'pass'],
    ]);
    expect(of('analysis.finished').map((e) => e.verdict)).toEqual(['pass', 'pass']);
  });

  it('Given no traffic (inconclusive) and onInconclusive pause, then a gate of kind analysis asks, and an approval goes on without asking the pause gate too', async () => {
    const asked: GateRequest[] = [];
    const metrics = fakeMetrics(() => noData);
    const { outcome, of } = await runScenario({
      fixture: { analysis: analysis({ count: 2 }), pause: { kind: 'approve' } },
      metrics,
      approver: {
        await: (request) => {
          asked.push(request);
          return Promise.resolve({ decision: 'approve', by: 'alice' });
        },
      },
    });
    expect(outcome.result).toBe('succeeded');
    // the last batch is analysed too, and asks again; no pause gate is asked after an answered analysis gate
    expect(asked.map((r) => [r.afterBatch, r.kind])).toEqual([
      [1, 'analysis'],
      [2, 'analysis'],
    ]);
    const gate = of('gate.waiting')[0];
    expect(gate).toMatchObject({ pause: 'analysis', afterBatch: 1 });
    expect(gate?.summary).toContain('analysis inconclusive — errors: 2 of 2 measurements inconclusive (limit 0)');
    expect(gate?.analysis?.[0]?.measurements.map((m) => m.reason)).toEqual([noData.reason, noData.reason]);
    expect(of('analysis.finished').map((e) => e.action)).toEqual(['ask', 'ask']);
  });

  it('Given an inconclusive analysis and an abort at its gate, then the batch is rolled back', async () => {
    const { outcome, world } = await runScenario({
      fixture: { analysis: analysis({ count: 1 }) },
      metrics: fakeMetrics(() => noData),
      approver: scriptedApprover([{ decision: 'abort', by: 'bob' }]),
    });
    expect(outcome.result).toBe('aborted');
    expect(outcome.exitCode).toBe(3);
    expect(Object.values(world.installed).map((v) => v.demo)).toEqual(['1.0', '1.0', '1.0', '1.0']);
  });

  it('Given onInconclusive fail, then an inconclusive analysis is the strategy’s onFailure', async () => {
    const { outcome } = await runScenario({
      fixture: { analysis: analysis({ onInconclusive: 'fail', count: 2 }) },
      metrics: fakeMetrics(() => value(0.1)),
    });
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.message).toContain('(inconclusive: errors: 2 of 2 measurements inconclusive');
  });

  it('Given onInconclusive pass, then nobody is asked and the run goes on', async () => {
    const { outcome } = await runScenario({
      fixture: { analysis: analysis({ onInconclusive: 'pass', count: 1 }) },
      metrics: fakeMetrics(() => noData),
      approver: scriptedApprover([]),
    });
    expect(outcome.result).toBe('succeeded');
  });

  it('Given a passing analysis, then the usual pause gate follows it, of kind pause', async () => {
    const asked: GateRequest['kind'][] = [];
    const { outcome, events } = await runScenario({
      fixture: { analysis: analysis({ count: 1 }), pause: { kind: 'approve' } },
      metrics: fakeMetrics(() => value(0)),
      approver: {
        await: (request) => {
          asked.push(request.kind);
          return Promise.resolve({ decision: 'approve', by: 'alice' });
        },
      },
    });
    expect(outcome.result).toBe('succeeded');
    expect(asked).toEqual(['pause']);
    const types = events.map((e) => e.type);
    expect(types.indexOf('analysis.finished')).toBeLessThan(types.indexOf('gate.waiting'));
    expect(types.indexOf('batch.finished')).toBeLessThan(types.indexOf('analysis.started'));
  });

  it('Given two metrics, then the analysis is the worst of them', async () => {
    const latency: MetricSettings = errors({
      name: 'latency',
      source: { kind: 'prometheus', url: 'http://127.0.0.1:9090', query: 'x', timeoutMs: 1_000 },
      pass: lt(0.3),
      fail: ge(1),
    });
    const { outcome, of } = await runScenario({
      fixture: { analysis: analysis({ count: 3, metrics: [errors(), latency] }) },
      metrics: fakeMetrics((source) => value(source.kind === 'prometheus' ? 2 : 0)),
    });
    expect(outcome.result).toBe('rolled-back');
    expect(of('analysis.finished')[0]?.metrics.map((m) => [m.name, m.verdict])).toEqual([
      ['errors', 'pass'],
      ['latency', 'fail'],
    ]);
  });

  it('Given a stop while measuring, then the run ends aborted and the batch stays in rotation', async () => {
    const stop = new AbortController();
    const { outcome, world } = await runScenario({
      fixture: { analysis: analysis() },
      metrics: fakeMetrics(() => value(0)),
      stop,
      onEvent: (event) => {
        if (event.type === 'analysis.measured' && event.index === 2) stop.abort();
      },
    });
    expect(outcome.result).toBe('aborted');
    expect(outcome.message).toContain('stopped during the analysis after batch 1/2');
    expect(world.outOfRotation()).toEqual([]);
  });

  it('Given revert --fast or a resumed rollback, then the plan has no analysis; else every batch has it', () => {
    const rollout = rolloutFixture({ analysis: analysis() });
    const facts = { installed: allOn(rollout, { demo: '1.0' }) };
    expect(planRollout(rollout, facts).batches.map((b) => b.analysis?.count)).toEqual([5, 5]);
    expect(planRollout(rollout, facts, { skipPauses: true }).batches.map((b) => b.analysis)).toEqual([
      undefined,
      undefined,
    ]);
    expect(planRollout(rollout, facts, { purpose: 'rollback' }).batches.map((b) => b.analysis)).toEqual([
      undefined,
      undefined,
    ]);
  });
});
