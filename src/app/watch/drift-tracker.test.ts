import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../engine/testing/manual-clock.js';
import { createDriftTracker, type HostKey } from './drift-tracker.js';
import type { DriftedHost } from './events.js';

const key = (host: string, environment = 'staging'): HostKey => ({ environment, rollout: 'web', host });
const drifted = (host: string, installed = '2.0', environment = 'staging'): DriftedHost => ({
  ...key(host, environment),
  installed: { demo: installed },
  expected: { demo: '1.0' },
  drift: ['demo'],
  outOfRotation: false,
});
const fleet = ['web-01', 'web-02', 'web-03'].map((host) => key(host));

describe('drift episodes', () => {
  it('given a host drifting, when checks go on, then it is seen once and alerted once when the episode reaches the alert age', async () => {
    // Given
    const clock = createManualClock({ start: 1_000 });
    const tracker = createDriftTracker(5_000);

    // When: first seen at 1 s
    const first = tracker.observe(clock.now(), [drifted('web-02')], fleet);
    await clock.advance(4_999);
    const early = tracker.observe(clock.now(), [drifted('web-02')], fleet);
    await clock.advance(1);
    const due = tracker.observe(clock.now(), [drifted('web-02')], fleet);
    await clock.advance(30_000);
    const later = tracker.observe(clock.now(), [drifted('web-02')], fleet);

    // Then
    expect(first).toEqual({ seen: [drifted('web-02')], alerts: [], cleared: [] });
    expect(early).toEqual({ seen: [], alerts: [], cleared: [] });
    expect(due.alerts).toEqual([{ environment: 'staging', since: 1_000, hosts: [drifted('web-02')] }]);
    expect(later).toEqual({ seen: [], alerts: [], cleared: [] });
  });

  it('given drift that ends before the alert age, then nothing is alerted, and a new episode starts its own clock', async () => {
    const clock = createManualClock();
    const tracker = createDriftTracker(5_000);

    tracker.observe(clock.now(), [drifted('web-01')], fleet);
    await clock.advance(4_000);
    const back = tracker.observe(clock.now(), [], fleet);
    await clock.advance(2_000);
    const again = tracker.observe(clock.now(), [drifted('web-01')], fleet);
    await clock.advance(4_000);
    const notYet = tracker.observe(clock.now(), [drifted('web-01')], fleet);
    await clock.advance(1_000);
    const now = tracker.observe(clock.now(), [drifted('web-01')], fleet);

    expect(back).toEqual({ seen: [], alerts: [], cleared: [drifted('web-01')] });
    expect(again.seen).toEqual([drifted('web-01')]);
    expect(notYet.alerts).toEqual([]);
    expect(now.alerts).toEqual([{ environment: 'staging', since: 6_000, hosts: [drifted('web-01')] }]);
  });

  it('given an alerted episode that clears and comes back, then the new episode is alerted again', async () => {
    const clock = createManualClock();
    const tracker = createDriftTracker(0);

    const first = tracker.observe(clock.now(), [drifted('web-03')], fleet);
    await clock.advance(1_000);
    tracker.observe(clock.now(), [], fleet);
    await clock.advance(1_000);
    const second = tracker.observe(clock.now(), [drifted('web-03', '1.1')], fleet);

    expect(first.alerts.map((alert) => alert.hosts.map((host) => host.host))).toEqual([['web-03']]);
    expect(second.alerts).toEqual([{ environment: 'staging', since: 2_000, hosts: [drifted('web-03', '1.1')] }]);
  });

  it('given hosts of two environments due together, then one alert per environment, since the earliest of its hosts', async () => {
    const clock = createManualClock();
    const tracker = createDriftTracker(3_000);
    const everyone = [...fleet, key('db-01', 'prod')];

    tracker.observe(clock.now(), [drifted('web-01')], everyone);
    await clock.advance(1_000);
    tracker.observe(clock.now(), [drifted('web-01'), drifted('web-02'), drifted('db-01', '2.0', 'prod')], everyone);
    await clock.advance(2_000);
    const third = tracker.observe(
      clock.now(),
      [drifted('web-01'), drifted('web-02'), drifted('db-01', '2.0', 'prod')],
      everyone,
    );
    await clock.advance(1_000);
    const fourth = tracker.observe(
      clock.now(),
      [drifted('web-01'), drifted('web-02'), drifted('db-01', '2.0', 'prod')],
      everyone,
    );

    expect(third.alerts).toEqual([{ environment: 'staging', since: 0, hosts: [drifted('web-01')] }]);
    expect(fourth.alerts).toEqual([
      { environment: 'staging', since: 1_000, hosts: [drifted('web-02')] },
      { environment: 'prod', since: 1_000, hosts: [drifted('db-01', '2.0', 'prod')] },
    ]);
  });

  it('given a drifting host the next check cannot read, then its episode neither ends nor restarts', async () => {
    const clock = createManualClock();
    const tracker = createDriftTracker(2_000);

    tracker.observe(clock.now(), [drifted('web-02')], fleet);
    await clock.advance(1_000);
    const unreadable = tracker.observe(
      clock.now(),
      [],
      fleet.filter((host) => host.host !== 'web-02'),
    );
    await clock.advance(1_000);
    const back = tracker.observe(clock.now(), [drifted('web-02')], fleet);

    expect(unreadable).toEqual({ seen: [], alerts: [], cleared: [] });
    expect(back.seen).toEqual([]);
    expect(back.alerts).toEqual([{ environment: 'staging', since: 0, hosts: [drifted('web-02')] }]);
  });
});
