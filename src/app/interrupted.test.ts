import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/index.js';
import { fakeMetrics } from '../engine/testing/fake-metrics.js';
import { runScenario } from '../engine/testing/run-scenario.js';
import { resumePoint } from './interrupted.js';
import { resumeFacts } from './plan-against-fleet.js';

/** The journal as a `kill -9` would leave it: everything up to (and including) the nth event of a type. */
function cutAt(events: readonly RunEvent[], type: RunEvent['type'], nth = 1): RunEvent[] {
  let seen = 0;
  const at = events.findIndex((e) => e.type === type && ++seen === nth);
  if (at < 0) throw new Error(`no ${type} #${nth}`);
  return events.slice(0, at + 1);
}

describe('resumePoint', () => {
  it('finds the host a halted run left out, and brings only it back to the versions it had', async () => {
    // Given a halt on a broken release: web-01 out, the rest untouched
    const { events } = await runScenario({
      fixture: {
        groups: [{ hosts: 4, packages: { demo: '1.2' } }],
        batches: [1],
        maxUnavailable: 1,
        onFailure: 'halt',
      },
      world: { broken: ['1.2'] },
    });
    const point = resumePoint(events);
    expect(point?.mode).toBe('rollback');
    expect(point?.leftOut).toEqual(['web-01']);
    expect(point?.rollbackTargets).toEqual({ 'web-01': { demo: '1.0' } });
    expect(point?.lastStep).toBe('halted with web-01 out of rotation');
  });

  it('brings back the hosts of the batch in flight that the fleet shows out of rotation, when the journal (shared at batch boundaries) ends at the batch start', async () => {
    // Given a healthy release whose journal, as the remote has it, ends at the first batch's start
    const fixture = { groups: [{ hosts: 4, packages: { demo: '1.1' } }], batches: ['50%'] };
    const first = await runScenario({ fixture });
    const point = resumePoint(cutAt(first.events, 'batch.started'));
    expect(point?.inFlight).toEqual(['web-01', 'web-02']);
    expect(point?.leftOut).toEqual([]);
    // When it is resumed on the fleet as the dead run left it: web-01 upgraded and drained, web-02 in maint
    const resumed = await runScenario({
      fixture,
      installedOn: { 'web-01': '1.1' },
      initiallyOut: { 'web-01': 'drain', 'web-02': 'maint' },
      editFacts: (facts) => {
        const continuation = { runId: 'run-1', ...(point ? { point } : {}) };
        // Then only the batch's hosts are the run's to bring back (a host of another batch in maint is not)
        const withMaint = { ...facts, outOfRotation: [...(facts.outOfRotation ?? []), 'web-04'] };
        expect(resumeFacts(withMaint, continuation).leftOut?.sort()).toEqual(['web-01', 'web-02']);
        return resumeFacts(facts, continuation);
      },
    });
    expect(resumed.outcome.result).toBe('succeeded');
    expect(resumed.world.outOfRotation()).toEqual([]);
    expect(Object.values(resumed.world.installed).map((versions) => versions.demo)).toEqual([
      '1.1',
      '1.1',
      '1.1',
      '1.1',
    ]);
    expect(resumed.world.violations).toEqual([]);
  });

  it('rolls back to what the journal recorded, not to what the host shows: killed in the health gate of a broken release', async () => {
    // Given a broken release (1.2) killed while web-01's health gate ran: web-01 is on 1.2 and out of rotation
    const fixture = {
      groups: [{ hosts: 4, packages: { demo: '1.2' } }],
      batches: ['50%'],
      onFailure: 'rollback' as const,
    };
    const first = await runScenario({ fixture, world: { broken: ['1.2'] } });
    const point = resumePoint(cutAt(first.events, 'host.health.checked'));
    expect(point?.mode).toBe('forward'); // nothing failed yet when it was killed
    expect(point?.before['web-01']).toEqual({ demo: '1.0' });
    // When it is resumed on the fleet as it is now
    const resumed = await runScenario({
      fixture,
      world: { broken: ['1.2'] },
      installedOn: { 'web-01': '1.2' },
      initiallyOut: { 'web-01': 'maint' },
      editFacts: (facts) => resumeFacts(facts, point ? { point } : {}),
    });
    // Then the batch fails its health gate again and goes back to 1.0 — not to the broken 1.2 web-01 shows now
    expect(resumed.outcome.result).toBe('rolled-back');
    expect(resumed.of('host.rollback.started').find((e) => e.host === 'web-01')?.to).toEqual({ demo: '1.0' });
    expect(resumed.world.installed['web-01']?.demo).toBe('1.0');
    expect(resumed.world.outOfRotation()).toEqual([]);
    expect(resumed.world.violations).toEqual([]);
  });

  it('is done once a resumed part ended with every host back', async () => {
    const { events } = await runScenario({ fixture: {} });
    const twoParts = [...events.slice(0, 5), ...events.map((e) => ({ ...e, seq: e.seq + 5 }))];
    expect(resumePoint(twoParts)).toBeUndefined();
    expect(resumePoint(twoParts.slice(0, -1))?.mode).toBe('forward');
  });

  it('is undefined for a run that finished', async () => {
    const { events } = await runScenario({ fixture: {} });
    expect(resumePoint(events)).toBeUndefined();
  });

  it('finds the hosts a run killed mid-upgrade left out of rotation, going forward', async () => {
    // Given a halves rollout killed when the second host of batch 1 started upgrading
    const { events } = await runScenario({ fixture: { groups: [{ hosts: 4 }], batches: ['50%'], concurrency: 1 } });
    const journal = cutAt(events, 'host.upgrade.started', 2);
    // When read back
    const point = resumePoint(journal);
    // Then web-02 is out (web-01 had returned), and the run goes on
    expect(point?.mode).toBe('forward');
    expect(point?.leftOut).toEqual(['web-02']);
    expect(point?.lastSeq).toBe(journal.at(-1)?.seq);
    expect(point?.lastStep).toBe('web-02 host.upgrade.started (batch 1/2)');
  });

  it('finishes the rollback of a failed batch: its hosts go back to the versions they had', async () => {
    // Given a broken release killed in the middle of rolling batch 1 back
    const { events } = await runScenario({
      fixture: { groups: [{ hosts: 4, packages: { demo: '1.2' } }], batches: ['50%'], onFailure: 'rollback' },
      world: { broken: ['1.2'] },
    });
    const point = resumePoint(cutAt(events, 'host.rollback.started'));
    // Then resume rolls that batch back to 1.0, and leaves batch 2 alone
    expect(point?.mode).toBe('rollback');
    expect(point?.rollbackTargets).toEqual({ 'web-01': { demo: '1.0' }, 'web-02': { demo: '1.0' } });
    expect(point?.leftOut.sort()).toEqual(['web-01', 'web-02']);
  });

  it('treats a failure under onFailure: rollback as a rollback even before it started', async () => {
    const { events } = await runScenario({
      fixture: {
        groups: [{ hosts: 4, packages: { demo: '1.2' } }],
        batches: ['50%'],
        concurrency: 1,
        onFailure: 'rollback',
      },
      world: { broken: ['1.2'] },
    });
    const point = resumePoint(cutAt(events, 'host.failed'));
    expect(point?.mode).toBe('rollback');
    expect(Object.keys(point?.rollbackTargets ?? {})).toEqual(['web-01', 'web-02']);
  });

  it('treats a failed analysis under onFailure: rollback as a rollback of its batch, killed before the rollback began', async () => {
    // Given a release whose batch 1 fails its analysis, the journal cut right after the verdict
    const { events } = await runScenario({
      fixture: {
        batches: ['50%'],
        analysis: {
          intervalMs: 1_000,
          count: 3,
          onInconclusive: 'pause',
          metrics: [
            {
              name: 'errors',
              source: { kind: 'haproxy', measure: 'http5xxRate', minRequests: 20, baseline: false },
              pass: { op: '<', value: 0.05 },
              fail: { op: '>=', value: 0.2 },
              failureLimit: 0,
              inconclusiveLimit: 0,
            },
          ],
        },
      },
      metrics: fakeMetrics(() => ({ ok: true, value: 0.5 })),
    });
    const point = resumePoint(cutAt(events, 'analysis.finished'));
    // Then resume rolls batch 1 (in rotation, on 1.1) back to 1.0
    expect(point?.mode).toBe('rollback');
    expect(point?.rollbackTargets).toEqual({ 'web-01': { demo: '1.0' }, 'web-02': { demo: '1.0' } });
  });
});
