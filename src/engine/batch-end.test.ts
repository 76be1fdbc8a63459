/**
 * Every way a batch ends the run, and what `changed` says afterwards. The
 * rule, the same for each ending: a host leaves `changed` exactly when its own
 * rollback put it back; a host whose rollback failed stays (nothing says it is
 * on its old versions) and is out of rotation, named. Each scenario makes one
 * rollback fail (its server DOWN as it starts) so the rule is seen per host.
 */
import { describe, expect, it } from 'vitest';
import type { MetricReading } from '../core/analysis.js';
import type { AnalysisSettings } from '../spec/model.js';
import type { RunEvent } from './events.js';
import { scriptedApprover, type FakeWorld } from './testing/fake-world.js';
import { fakeMetrics } from './testing/fake-metrics.js';
import { runScenario, type Scenario } from './testing/run-scenario.js';

const failing: AnalysisSettings = {
  intervalMs: 1_000,
  count: 1,
  onInconclusive: 'pause',
  metrics: [
    {
      name: 'errors',
      source: { kind: 'haproxy', measure: 'http5xxRate', minRequests: 1, baseline: false },
      pass: { op: '<', value: 0.05 },
      fail: { op: '>=', value: 0.2 },
      failureLimit: 0,
      inconclusiveLimit: 0,
    },
  ],
};
const highErrors: MetricReading = { ok: true, value: 0.5 };

/** One batch of three (of six), one host at a time. */
const FIXTURE: Scenario['fixture'] = {
  groups: [{ hosts: 6 }],
  batches: ['50%', '50%'],
  concurrency: 1,
  maxUnavailable: '50%',
  onFailure: 'rollback',
};

/**
 * `upgrade`'s upgrade fails (its server DOWN as it starts; it recovers for its
 * rollback); `rollbackFails`' rollback fails the same way.
 */
function sickOn(upgrade: string | undefined, rollbackFails: string) {
  const rollingBack = new Set<string>();
  return (event: RunEvent, world: FakeWorld) => {
    if (event.type === 'host.rollback.started') {
      rollingBack.add(event.host);
      if (event.host === upgrade) world.down.delete(event.host);
      if (event.host === rollbackFails) world.sicken(event.host);
    }
    // A rollback upgrades again (to the old versions): only the release's upgrade fails.
    if (event.type === 'host.upgrade.started' && event.host === upgrade && !rollingBack.has(event.host))
      world.sicken(event.host);
  };
}

describe('how a batch ends the run, and the hosts it leaves changed', () => {
  it('given a host that fails (onFailure rollback), when one rollback fails, then only that host stays changed', async () => {
    const { outcome } = await runScenario({ fixture: FIXTURE, afterEvent: sickOn('web-03', 'web-02') });
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.message).toMatch(/^batch 1 failed on web-03; the rollback did not complete: web-02 is out/);
    expect(outcome.changed).toEqual(['web-02']);
    expect(outcome.hostsOut.map((h) => h.host)).toEqual(['web-02']);
  });

  it('given a host that fails (onFailure rollback), when every rollback succeeds, then no host stays changed', async () => {
    const { outcome } = await runScenario({ fixture: FIXTURE, afterEvent: sickOn('web-03', 'none') });
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.message).toBe(
      'batch 1 failed on web-03; its hosts are back on their previous versions and in rotation',
    );
    expect(outcome.changed).toEqual([]);
    expect(outcome.hostsOut).toEqual([]);
  });

  it('given a host that fails (onFailure halt), then nothing is rolled back and the finished hosts stay changed', async () => {
    const { outcome, of } = await runScenario({
      fixture: { ...FIXTURE, onFailure: 'halt' },
      afterEvent: sickOn('web-03', 'none'),
    });
    expect(outcome.result).toBe('halted');
    expect(of('host.rollback.started')).toEqual([]);
    expect(outcome.changed).toEqual(['web-01', 'web-02']);
    expect(outcome.hostsOut.map((h) => h.host)).toEqual(['web-03']);
  });

  it('given a failed analysis (onFailure rollback), when one rollback fails, then only that host stays changed', async () => {
    const { outcome } = await runScenario({
      fixture: { ...FIXTURE, analysis: failing },
      metrics: fakeMetrics(() => highErrors),
      afterEvent: sickOn(undefined, 'web-02'),
    });
    expect(outcome.result).toBe('rolled-back');
    expect(outcome.message).toMatch(/^batch 1 failed its analysis .*; the rollback did not complete: web-02 is out/);
    expect(outcome.changed).toEqual(['web-02']);
  });

  it('given a failed analysis (onFailure halt), then nothing is rolled back and the batch stays changed', async () => {
    const { outcome } = await runScenario({
      fixture: { ...FIXTURE, onFailure: 'halt', analysis: failing },
      metrics: fakeMetrics(() => highErrors),
    });
    expect(outcome.result).toBe('halted');
    expect(outcome.changed).toEqual(['web-01', 'web-02', 'web-03']);
    expect(outcome.hostsOut).toEqual([]);
  });

  it('given an abort at the gate, when one rollback fails, then only that host stays changed', async () => {
    const { outcome } = await runScenario({
      fixture: { ...FIXTURE, pause: { kind: 'approve' } },
      approver: scriptedApprover([{ decision: 'abort', by: 'bob' }]),
      afterEvent: sickOn(undefined, 'web-02'),
    });
    expect(outcome.result).toBe('aborted');
    expect(outcome.message).toMatch(/^aborted by bob after batch 1; the rollback did not complete: web-02 is out/);
    expect(outcome.changed).toEqual(['web-02']);
  });

  it('given an abort during the batch, when one rollback fails, then only that host stays changed', async () => {
    const abort = new AbortController();
    const { outcome, of } = await runScenario({
      fixture: FIXTURE,
      control: { abort: abort.signal },
      afterEvent: (event, world) => {
        if (event.type === 'host.upgrade.started' && event.host === 'web-02')
          abort.abort({ decision: 'abort', by: 'carol' });
        sickOn(undefined, 'web-01')(event, world);
      },
    });
    expect(outcome.result).toBe('aborted');
    expect(outcome.message).toMatch(/^aborted by carol during batch 1; the rollback did not complete: web-01 is out/);
    expect(outcome.changed).toEqual(['web-01']);
    expect(of('batch.finished')).toMatchObject([{ batch: 1, ok: false }]);
  });

  it('given a halt at the gate, then nothing is rolled back and the batch stays changed, exit 3', async () => {
    const { outcome, of } = await runScenario({
      fixture: { ...FIXTURE, pause: { kind: 'approve' } },
      approver: scriptedApprover([{ decision: 'halt', by: 'bob' }]),
    });
    expect(outcome).toMatchObject({ result: 'aborted', exitCode: 3, message: 'halted by bob after batch 1' });
    expect(of('host.rollback.started')).toEqual([]);
    expect(outcome.changed).toEqual(['web-01', 'web-02', 'web-03']);
  });

  it('given a stop asked after batch 1, then nothing is rolled back and the batch stays changed', async () => {
    const stop = new AbortController();
    const { outcome } = await runScenario({
      fixture: FIXTURE,
      stop,
      onEvent: (event) => {
        if (event.type === 'host.done' && event.host === 'web-03') stop.abort();
      },
    });
    expect(outcome).toMatchObject({ result: 'aborted', message: 'stopped after batch 1/2' });
    expect(outcome.changed).toEqual(['web-01', 'web-02', 'web-03']);
  });
});
