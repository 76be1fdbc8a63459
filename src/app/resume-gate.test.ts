import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/index.js';
import type { Approver } from '../engine/index.js';
import { scriptedApprover } from '../engine/testing/fake-world.js';
import { fakeMetrics } from '../engine/testing/fake-metrics.js';
import { runScenario } from '../engine/testing/run-scenario.js';
import type { RolloutFixture } from '../testing/rollout-builder.js';
import type { AnalysisSettings } from '../spec/model.js';
import { resumePoint, type ResumePoint } from './interrupted.js';
import { runRecordOf } from './journal-fold.js';
import { resumeFacts } from './plan-against-fleet.js';

const fixture: RolloutFixture = {
  groups: [{ hosts: 4, packages: { demo: '1.1' } }],
  batches: ['50%'],
  pause: { kind: 'approve' },
};

/** An approver that never answers: the run waits at its gate until it is stopped. */
const silent: Approver = {
  await: (_request, signal) =>
    new Promise((resolve) => signal.addEventListener('abort', () => resolve({ decision: 'approve', by: 'nobody' }))),
};

/** The first run, stopped (as by SIGTERM) once it waits at the gate after batch 1. */
async function stoppedAtTheGate(
  extra: Partial<RolloutFixture> = {},
  metrics?: Parameters<typeof runScenario>[0]['metrics'],
) {
  const stop = new AbortController();
  return runScenario({
    fixture: { ...fixture, ...extra },
    approver: silent,
    stop,
    ...(metrics ? { metrics } : {}),
    onEvent: (event) => {
      if (event.type === 'gate.waiting') stop.abort();
    },
  });
}

/** The same rollout resumed from `point` on the fleet as the first run left it (batch 1 on 1.1). */
function resumed(
  point: ResumePoint,
  approver: Approver,
  extra: Partial<RolloutFixture> = {},
  metrics?: Parameters<typeof runScenario>[0]['metrics'],
) {
  return runScenario({
    fixture: { ...fixture, ...extra },
    installedOn: { 'web-01': '1.1', 'web-02': '1.1' },
    editFacts: (facts) => resumeFacts(facts, { point }),
    approver,
    ...(metrics ? { metrics } : {}),
    control: point.waitingGate ? { waitingGate: point.waitingGate } : {},
  });
}

const kinds = (events: readonly RunEvent[]) => events.map((event) => event.type);

describe('a run interrupted at a gate', () => {
  it('stopped (SIGTERM) at the pause gate is not finished: resuming asks that gate before touching any host, and an abort rolls batch 1 back', async () => {
    // Given a run stopped while waiting at the gate after batch 1
    const first = await stoppedAtTheGate();
    expect(first.outcome.result).toBe('aborted');
    const point = resumePoint(first.events);
    expect(point?.waitingGate).toMatchObject({
      at: 'pause',
      batches: 2,
      batch: { index: 1, hosts: ['web-01', 'web-02'] },
    });
    expect(point?.lastStep).toBe('the pause gate after batch 1/2');
    // And its note says it waits there, so no command takes it for finished
    expect(runRecordOf(first.events)?.waitingAfterBatch).toBe(1);

    // When it is resumed and the gate is answered abort
    const again = await resumed(point as ResumePoint, scriptedApprover([{ decision: 'abort', by: 'bob' }]));

    // Then the same gate was asked first, nothing else before it
    expect(kinds(again.events).slice(0, 3)).toEqual(['run.started', 'gate.waiting', 'gate.answered']);
    expect(again.of('gate.waiting')[0]).toMatchObject({ afterBatch: 1, batches: 2, pause: 'approve' });
    expect(again.of('batch.started')).toEqual([]);
    // And batch 1 went back to 1.0, the rest never changed, all in rotation, the cap held
    expect(again.outcome).toMatchObject({ result: 'aborted', hostsOut: [] });
    expect(again.outcome.message).toBe('aborted by bob after batch 1; batch 1 rolled back');
    expect(Object.values(again.world.installed).map((v) => v.demo)).toEqual(['1.0', '1.0', '1.0', '1.0']);
    expect(again.world.outOfRotation()).toEqual([]);
    expect(again.world.violations).toEqual([]);
  });

  it('killed (SIGKILL) at the pause gate: resuming asks it, and an approval goes on with batch 2', async () => {
    // Given a journal that ends at the gate
    const first = await stoppedAtTheGate();
    const cut = first.events.slice(0, first.events.findIndex((e) => e.type === 'gate.waiting') + 1);
    const point = resumePoint(cut);
    expect(point?.waitingGate?.at).toBe('pause');

    const again = await resumed(point as ResumePoint, scriptedApprover([{ decision: 'approve', by: 'bob' }]));

    expect(kinds(again.events).slice(0, 3)).toEqual(['run.started', 'gate.waiting', 'gate.answered']);
    expect(again.of('batch.started').map((e) => e.hosts)).toEqual([['web-03', 'web-04']]);
    expect(again.outcome.result).toBe('succeeded');
    expect(Object.values(again.world.installed).map((v) => v.demo)).toEqual(['1.1', '1.1', '1.1', '1.1']);
    expect(again.world.violations).toEqual([]);
  });

  it('killed while measuring the analysis: resuming measures batch 1 again before any other host, then asks its gate', async () => {
    const analysis: AnalysisSettings = {
      intervalMs: 1_000,
      count: 2,
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
    const passing = () => fakeMetrics(() => ({ ok: true, value: 0 }));
    const first = await stoppedAtTheGate({ analysis }, passing());
    const cut = first.events.slice(0, first.events.findIndex((e) => e.type === 'analysis.measured') + 1);
    const point = resumePoint(cut);
    expect(point?.waitingGate?.at).toBe('analysis');
    expect(point?.lastStep).toBe('the analysis after batch 1/2');

    const metrics = passing();
    const again = await resumed(
      point as ResumePoint,
      scriptedApprover([{ decision: 'abort', by: 'bob' }]),
      { analysis },
      metrics,
    );

    expect(kinds(again.events).slice(0, 2)).toEqual(['run.started', 'analysis.started']);
    expect(metrics.opened[0]?.scope.hosts.map((h) => h.host)).toEqual(['web-01', 'web-02']);
    expect(again.of('gate.waiting')[0]).toMatchObject({ afterBatch: 1, pause: 'approve' });
    expect(again.of('batch.started')).toEqual([]);
    expect(Object.values(again.world.installed).map((v) => v.demo)).toEqual(['1.0', '1.0', '1.0', '1.0']);
  });

  it('a gate answered before the interruption is not asked again', async () => {
    // Given a run killed after its gate was approved, while batch 2 ran
    const first = await runScenario({ fixture, approver: scriptedApprover([{ decision: 'approve', by: 'bob' }]) });
    const cut = first.events.slice(0, first.events.findLastIndex((e) => e.type === 'batch.started') + 1);
    expect(resumePoint(cut)?.waitingGate).toBeUndefined();
    // And a run that went through is finished
    expect(resumePoint(first.events)).toBeUndefined();
  });
});
