import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../engine/index.js';
import { runScenario } from '../../engine/testing/run-scenario.js';
import { scriptedApprover } from '../../engine/testing/fake-world.js';
import type { DriftedHost, WatchEvent, WatchEventBody } from './events.js';
import type { LockProbe } from './lock-probe.js';
import { createWatchMetrics, METRIC_NAMES } from './metrics.js';

const T0 = Date.parse('2026-12-02T10:00:00.000Z');

function given(options: { held?: string[]; lockFiles?: string[]; now?: () => number } = {}) {
  const lockProbe: LockProbe = {
    environments: () => Promise.resolve(options.lockFiles ?? []),
    held: (environment) => Promise.resolve((options.held ?? []).includes(environment)),
  };
  let cycles = 0;
  const metrics = createWatchMetrics({
    lockProbe,
    health: { cycles: () => cycles, lastCycleEndedAt: () => (cycles > 0 ? T0 : undefined) },
    now: options.now ?? (() => T0),
  });
  const watchEvent = (body: WatchEventBody): void =>
    metrics.onWatchEvent({ ...body, at: new Date(T0).toISOString() } as WatchEvent);
  return { metrics, watchEvent, endCycle: () => void (cycles += 1) };
}

/** The samples of one scrape: `name{labels}` → value, as Prometheus would read them. */
async function samples(metrics: ReturnType<typeof createWatchMetrics>): Promise<Record<string, number>> {
  const { text } = await metrics.scrape();
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const at = line.lastIndexOf(' ');
        return [line.slice(0, at), Number(line.slice(at + 1))];
      }),
  );
}

function replay(metrics: ReturnType<typeof createWatchMetrics>, events: readonly RunEvent[]): void {
  const listener = metrics.runListener();
  for (const event of events) listener(event);
}

const eventsOfRun = <T extends RunEvent['type']>(events: readonly RunEvent[], type: T) =>
  events.filter((event): event is Extract<RunEvent, { type: T }> => event.type === type);

const drifted = (host: string, outOfRotation = false): DriftedHost => ({
  environment: 'staging',
  rollout: 'web',
  host,
  installed: { demo: '2.0' },
  expected: { demo: '1.0' },
  drift: outOfRotation ? [] : ['demo'],
  outOfRotation,
});

describe('watch metrics, fed by events', () => {
  it('Given a run of 4 hosts that succeeds, When scraped, Then one succeeded run, 4 hosts changed, none out, and the sync time is the run end', async () => {
    // Given
    const { metrics } = given();
    const { events, of } = await runScenario({ fixture: { groups: [{ hosts: 4 }] } });
    // When
    replay(metrics, events);
    const scraped = await samples(metrics);
    // Then
    const finishedAt = Date.parse(of('run.finished')[0]!.at) / 1000;
    expect(scraped).toMatchObject({
      'lieutenant_runs_total{rollout="web",environment="staging",result="succeeded"}': 1,
      'lieutenant_hosts_changed_total{rollout="web",environment="staging"}': 4,
      'lieutenant_hosts_out_of_rotation{environment="staging"}': 0,
      'lieutenant_gate_waiting_seconds{rollout="web",environment="staging"}': 0,
      'lieutenant_last_successful_sync_timestamp_seconds{environment="staging"}': finishedAt,
      'lieutenant_lock_held{environment="staging"}': 0,
    });
  });

  it('Given a run part-way, When scraped after a host was drained and again after it returned, Then it counts out of rotation only in between', async () => {
    // Given the events of a whole run
    const { events } = await runScenario({ fixture: { groups: [{ hosts: 2 }], concurrency: 1 } });
    const drained = events.findIndex((event) => event.type === 'host.drain.started');
    const returned = events.findIndex((event) => event.type === 'host.return.finished');
    const { metrics } = given();
    const listener = metrics.runListener();
    // When the run has drained its first host
    events.slice(0, drained + 1).forEach(listener);
    const during = await samples(metrics);
    // And when it has returned it
    events.slice(drained + 1, returned + 1).forEach(listener);
    const after = await samples(metrics);
    // Then
    expect(during['lieutenant_hosts_out_of_rotation{environment="staging"}']).toBe(1);
    expect(after['lieutenant_hosts_out_of_rotation{environment="staging"}']).toBe(0);
    expect(during['lieutenant_runs_total{rollout="web",environment="staging",result="succeeded"}']).toBeUndefined();
  });

  it('Given a run waiting at an approval gate for 90 s, When scraped, Then the gate has waited 90 seconds; once answered, 0', async () => {
    // Given
    const { events } = await runScenario({
      fixture: { groups: [{ hosts: 4 }], batches: ['50%', '50%'], pause: { kind: 'approve' } },
      approver: scriptedApprover([{ decision: 'approve', by: 'bob' }]),
    });
    const waiting = events.findIndex((event) => event.type === 'gate.waiting');
    const waitingAt = Date.parse(events[waiting]!.at);
    let now = waitingAt + 90_000;
    const { metrics } = given({ now: () => now });
    const listener = metrics.runListener();
    // When
    events.slice(0, waiting + 1).forEach(listener);
    const atGate = await samples(metrics);
    events.slice(waiting + 1).forEach(listener);
    now += 60_000;
    const answered = await samples(metrics);
    // Then
    expect(atGate['lieutenant_gate_waiting_seconds{rollout="web",environment="staging"}']).toBe(90);
    expect(answered['lieutenant_gate_waiting_seconds{rollout="web",environment="staging"}']).toBe(0);
  });

  it('Given a release that makes hosts unhealthy, When its run rolls back, Then it counts as rolled-back and no sync is recorded', async () => {
    // Given
    const { metrics } = given();
    const { events, outcome } = await runScenario({ fixture: { groups: [{ hosts: 4 }] }, world: { broken: ['1.1'] } });
    // When
    replay(metrics, events);
    const scraped = await samples(metrics);
    // Then
    expect(outcome.result).toBe('rolled-back');
    expect(scraped['lieutenant_runs_total{rollout="web",environment="staging",result="rolled-back"}']).toBe(1);
    expect(scraped['lieutenant_hosts_out_of_rotation{environment="staging"}']).toBe(0);
    expect(scraped['lieutenant_last_successful_sync_timestamp_seconds{environment="staging"}']).toBeUndefined();
  });

  it('Given a release whose run halts with a host out of rotation, When scraped, Then that host counts out until the drift check finds it back', async () => {
    // Given
    const { metrics, watchEvent } = given();
    const { events, outcome } = await runScenario({
      fixture: { groups: [{ hosts: 4 }], onFailure: 'halt' },
      world: { broken: ['1.1'] },
    });
    const left = eventsOfRun(events, 'run.finished')[0]?.hostsOut.map((host) => host.host) ?? [];
    // When
    replay(metrics, events);
    const halted = await samples(metrics);
    for (const host of left) watchEvent({ type: 'drift.cleared', environment: 'staging', rollout: 'web', host });
    const back = await samples(metrics);
    // Then
    expect(outcome.result).toBe('halted');
    expect(left.length).toBeGreaterThan(0);
    expect(halted['lieutenant_hosts_out_of_rotation{environment="staging"}']).toBe(left.length);
    expect(halted['lieutenant_runs_total{rollout="web",environment="staging",result="halted"}']).toBe(1);
    expect(back['lieutenant_hosts_out_of_rotation{environment="staging"}']).toBe(0);
  });

  it('Given drift seen on two hosts (one out of rotation), When one clears, Then the drift and out-of-rotation gauges follow', async () => {
    // Given
    const { metrics, watchEvent } = given();
    watchEvent({ type: 'drift.seen', hosts: [drifted('web-01'), drifted('web-02', true)] });
    const seen = await samples(metrics);
    // When
    watchEvent({ type: 'drift.cleared', environment: 'staging', rollout: 'web', host: 'web-02' });
    const cleared = await samples(metrics);
    // Then
    expect([
      seen['lieutenant_drift_hosts{environment="staging"}'],
      cleared['lieutenant_drift_hosts{environment="staging"}'],
    ]).toEqual([2, 1]);
    expect([
      seen['lieutenant_hosts_out_of_rotation{environment="staging"}'],
      cleared['lieutenant_hosts_out_of_rotation{environment="staging"}'],
    ]).toEqual([1, 0]);
  });

  it('Given a lock file of production held and a blocked run, When scraped, Then the lock reads 1 there, 0 where not held, and the blocked run is counted', async () => {
    // Given
    const { metrics, watchEvent, endCycle } = given({ held: ['production'], lockFiles: ['production'] });
    watchEvent({ type: 'run.requested', rollout: 'web', environment: 'staging', commit: 'c0ffee', cause: 'commit' });
    watchEvent({ type: 'run.blocked', rollout: 'web', cause: 'commit', exitCode: 4, message: 'locked', details: [] });
    endCycle();
    // When
    const scraped = await samples(metrics);
    // Then
    expect(scraped).toMatchObject({
      'lieutenant_lock_held{environment="production"}': 1,
      'lieutenant_lock_held{environment="staging"}': 0,
      'lieutenant_runs_blocked_total{rollout="web"}': 1,
      lieutenant_watch_cycles_total: 1,
      lieutenant_watch_last_cycle_timestamp_seconds: T0 / 1000,
    });
  });

  it('Given every kind of metric has a value, When scraped, Then promtool accepts the text and every documented name is in it', async () => {
    // Given
    const { metrics, watchEvent, endCycle } = given({ held: ['staging'] });
    const { events } = await runScenario({ fixture: { groups: [{ hosts: 4 }] } });
    replay(metrics, events);
    watchEvent({ type: 'drift.seen', hosts: [drifted('web-01')] });
    watchEvent({ type: 'run.blocked', rollout: 'web', cause: 'commit', exitCode: 4, message: 'locked', details: [] });
    endCycle();
    // When
    const { text, contentType } = await metrics.scrape();
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    // Then
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(checked.error).toBeUndefined();
    expect({ status: checked.status, output: `${checked.stdout}${checked.stderr}` }).toEqual({ status: 0, output: '' });
    for (const name of METRIC_NAMES) expect(text).toContain(`# TYPE ${name} `);
  });
});
