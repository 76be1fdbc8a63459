import { describe, expect, it } from 'vitest';
import type { LockStatus } from '../../records/index.js';
import type { EnvironmentStatus, HostStatus, StatusReport } from '../status-service.js';
import { driftOf } from './drift.js';

const host = (name: string, installed: string, overrides: Partial<HostStatus> = {}): HostStatus => ({
  environment: 'staging',
  rollout: 'web',
  group: 'web',
  packageManager: 'apt',
  host: name,
  address: '127.0.0.1',
  installed: { demo: installed },
  expected: { demo: '1.1' },
  committed: { demo: '1.1' },
  drift: installed === '1.1' ? [] : ['demo'],
  rotation: {},
  outOfRotation: false,
  ...overrides,
});
const environment = (lock?: LockStatus): EnvironmentStatus => ({
  environment: 'staging',
  head: { sha: 'a'.repeat(40), subject: 'release' },
  deployed: { web: 'a'.repeat(40) },
  pending: [],
  freeze: {},
  lock,
  lastRun: undefined,
  problems: [],
  sync: { policy: 'automatic' },
  cordons: [],
});
const lock = (stale: boolean): LockStatus => ({
  holder: {
    pid: 1,
    user: 'bob',
    host: 'ops',
    since: '2025-01-02T10:00:00.000Z',
    runId: 'run-x',
    rollout: 'web',
    operator: 'bob',
  },
  stale,
});
const report = (hosts: HostStatus[], lockStatus?: LockStatus): StatusReport => ({
  hosts,
  environments: [environment(lockStatus)],
});

describe('drift from a status report', () => {
  it('given a host off its deployed version and one out of rotation, then both drift; every read host is checked', () => {
    const found = driftOf(
      report([host('web-01', '1.1'), host('web-02', '2.0'), host('web-03', '1.1', { outOfRotation: true })]),
    );

    expect(found.drifting.map((h) => [h.host, h.drift, h.outOfRotation])).toEqual([
      ['web-02', ['demo'], false],
      ['web-03', [], true],
    ]);
    expect(found.drifting[0]).toEqual({
      environment: 'staging',
      rollout: 'web',
      host: 'web-02',
      installed: { demo: '2.0' },
      expected: { demo: '1.1' },
      drift: ['demo'],
      outOfRotation: false,
    });
    expect(found.checked.map((h) => h.host)).toEqual(['web-01', 'web-02', 'web-03']);
  });

  it('given a live run holding the lock, then its hosts are not judged (they change on purpose)', () => {
    expect(
      driftOf(report([host('web-01', '1.0', { outOfRotation: true }), host('web-02', '2.0')], lock(false))),
    ).toEqual({ drifting: [], checked: [] });
  });

  it('given a stale lock (its run died), then hosts it left out of rotation drift', () => {
    const found = driftOf(report([host('web-01', '1.1', { outOfRotation: true })], lock(true)));
    expect(found.drifting.map((h) => h.host)).toEqual(['web-01']);
  });
});
