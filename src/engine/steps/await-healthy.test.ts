import { describe, expect, it } from 'vitest';
import type { HealthCheckTarget, HostTarget } from '../../spec/model.js';
import type { Clock, HealthProbe, Measurement, RemoteShell } from '../ports.js';
import { fail, okVoid } from '../../core/result.js';
import { createManualClock } from '../testing/manual-clock.js';
import { awaitHealthy, checkLabel, renderChecks } from './await-healthy.js';

const host: HostTarget = { name: 'web-01', address: '127.0.1.11', group: 'web', lbServer: 'web-01' };
const shell: RemoteShell = { host: 'web-01', exec: async () => fail('not used') };

const http: HealthCheckTarget = {
  kind: 'http',
  url: 'http://127.0.1.11:8080/health',
  status: 200,
  bodyContains: '1.1',
  timeoutMs: 2_000,
};
const tcp: HealthCheckTarget = { kind: 'tcp', port: 22, timeoutMs: 2_000 };

/** Answers each check from a script of the virtual time, recording when it was asked. */
function scriptedProbe(clock: Clock, answer: (label: string, ms: number) => Measurement) {
  const asked: string[] = [];
  const probe: HealthProbe = {
    measure: async (check) => {
      const label = checkLabel(check, host);
      asked.push(`${label} @${clock.now()}`);
      return answer(label, clock.now());
    },
  };
  return { probe, asked };
}

const policy = { intervalMs: 1_000, timeoutMs: 10_000, successThreshold: 2 };
const pass: Measurement = { phase: 'pass' };
const http500: Measurement = { phase: 'fail', reason: 'HTTP 500 (wanted 200)' };

describe('awaitHealthy', () => {
  it('given checks that pass at once, when gated, then it needs successThreshold rounds one interval apart', async () => {
    const clock = createManualClock({ auto: true });
    const { probe, asked } = scriptedProbe(clock, () => pass);
    const seen: string[] = [];

    const healthy = await awaitHealthy(
      [http, tcp],
      probe,
      host,
      shell,
      policy,
      clock,
      new AbortController().signal,
      (label, m, passes) => seen.push(`${label} ${m.phase} ${passes}`),
    );

    expect(healthy).toEqual(okVoid);
    expect(asked).toEqual([
      'http GET http://127.0.1.11:8080/health @0',
      'tcp 127.0.1.11:22 @0',
      'http GET http://127.0.1.11:8080/health @1000',
      'tcp 127.0.1.11:22 @1000',
    ]);
    expect(seen).toEqual([
      'http GET http://127.0.1.11:8080/health pass 1',
      'tcp 127.0.1.11:22 pass 1',
      'http GET http://127.0.1.11:8080/health pass 2',
      'tcp 127.0.1.11:22 pass 2',
    ]);
  });

  it('given a check that fails between passes, when gated, then the failing round resets the count', async () => {
    const clock = createManualClock({ auto: true });
    // http: pass @0, fail @1000, then pass; tcp always passes.
    const { probe } = scriptedProbe(clock, (label, ms) => (label.startsWith('http') && ms === 1_000 ? http500 : pass));
    const passes: number[] = [];

    const healthy = await awaitHealthy(
      [http, tcp],
      probe,
      host,
      shell,
      policy,
      clock,
      new AbortController().signal,
      (label, _m, count) => {
        if (label.startsWith('tcp')) passes.push(count);
      },
    );

    expect(healthy).toEqual(okVoid);
    expect(passes).toEqual([1, 0, 1, 2]);
    expect(clock.now()).toBe(3_000);
  });

  it('given a check that keeps failing, when health.timeout passes, then the failure carries the last reason', async () => {
    const clock = createManualClock({ auto: true });
    const { probe, asked } = scriptedProbe(clock, (label) => (label.startsWith('http') ? http500 : pass));

    const healthy = await awaitHealthy(
      [http, tcp],
      probe,
      host,
      shell,
      { ...policy, timeoutMs: 5_000 },
      clock,
      new AbortController().signal,
    );

    expect(healthy).toEqual({
      ok: false,
      error: {
        message: 'web-01: not healthy within 5s: http GET http://127.0.1.11:8080/health: HTTP 500 (wanted 200)',
      },
    });
    // Rounds at 0…5000 ms: six of them, none after the deadline.
    expect(asked.filter((line) => line.startsWith('tcp'))).toHaveLength(6);
  });

  it('given passes that come too late to reach the threshold, when the timeout passes, then it says how far it got', async () => {
    const clock = createManualClock({ auto: true });
    const { probe } = scriptedProbe(clock, (_label, ms) => (ms < 5_000 ? http500 : pass));

    const healthy = await awaitHealthy(
      [http],
      probe,
      host,
      shell,
      { ...policy, timeoutMs: 5_000, successThreshold: 3 },
      clock,
      new AbortController().signal,
    );

    expect(healthy.ok).toBe(false);
    if (!healthy.ok) {
      expect(healthy.error.message).toBe('web-01: not healthy within 5s: only 1 of 3 consecutive passes');
      expect(healthy.error.detail).toBe('last failure: http GET http://127.0.1.11:8080/health: HTTP 500 (wanted 200)');
    }
  });

  it('given an abort between rounds, when gated, then it stops without another round', async () => {
    const clock = createManualClock();
    const { probe, asked } = scriptedProbe(clock, () => http500);
    const controller = new AbortController();

    const gating = awaitHealthy([http], probe, host, shell, policy, clock, controller.signal);
    await clock.advance(500);
    controller.abort();
    const healthy = await gating;

    expect(healthy.ok).toBe(false);
    expect(asked).toHaveLength(1);
  });

  it('given no checks, when gated, then it passes at once', async () => {
    const clock = createManualClock();
    const { probe } = scriptedProbe(clock, () => http500);
    expect(await awaitHealthy([], probe, host, shell, policy, clock, new AbortController().signal)).toEqual(okVoid);
  });
});

describe('renderChecks', () => {
  it('given templates in every check kind, when rendered for a host, then each resolves and nothing else changes', () => {
    const checks: HealthCheckTarget[] = [
      {
        kind: 'http',
        url: 'http://{{host.address}}:8080/health',
        status: 200,
        bodyContains: '{{ packages.demo }}',
        timeoutMs: 1_000,
      },
      { kind: 'tcp', port: 22, timeoutMs: 1_000 },
      {
        kind: 'command',
        argv: ['check-version', '{{host.name}}', '{{packages.demo}}'],
        exitCode: 0,
        stdoutContains: undefined,
        timeoutMs: 1_000,
      },
    ];

    const rendered = renderChecks(checks, host, { demo: '1.1' });

    expect(rendered).toEqual([
      { kind: 'http', url: 'http://127.0.1.11:8080/health', status: 200, bodyContains: '1.1', timeoutMs: 1_000 },
      { kind: 'tcp', port: 22, timeoutMs: 1_000 },
      {
        kind: 'command',
        argv: ['check-version', 'web-01', '1.1'],
        exitCode: 0,
        stdoutContains: undefined,
        timeoutMs: 1_000,
      },
    ]);
    expect(checks[0]).toMatchObject({ url: 'http://{{host.address}}:8080/health' });
  });
});

describe('checkLabel', () => {
  it('given each kind of check, then the label reads as the check does', () => {
    expect(checkLabel(http)).toBe('http GET http://127.0.1.11:8080/health');
    expect(checkLabel(tcp, host)).toBe('tcp 127.0.1.11:22');
    expect(
      checkLabel({
        kind: 'command',
        argv: ['systemctl', 'is-active', 'demo'],
        exitCode: 0,
        stdoutContains: undefined,
        timeoutMs: 1,
      }),
    ).toBe('command systemctl is-active demo');
  });
});
