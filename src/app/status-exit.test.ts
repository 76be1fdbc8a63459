/** The exit status of `status`, from what it found: scripts tell broken (1) from behind Git (6) from fine (0). */
import { describe, expect, it } from 'vitest';
import { statusExitCode, type EnvironmentStatus, type HostStatus, type StatusReport } from './status-service.js';

function host(overrides: Partial<HostStatus> = {}): HostStatus {
  return {
    environment: 'staging',
    rollout: 'web',
    group: 'web',
    packageManager: 'apt',
    host: 'web-01',
    address: '10.0.0.1',
    installed: { demo: '1.1' },
    expected: { demo: '1.1' },
    committed: { demo: '1.1' },
    drift: [],
    rotation: {},
    outOfRotation: false,
    ...overrides,
  };
}

function environment(overrides: Partial<EnvironmentStatus> = {}): EnvironmentStatus {
  return {
    environment: 'staging',
    head: { sha: 'a'.repeat(40), subject: 'Release demo 1.1' },
    deployed: { web: 'a'.repeat(40) },
    pending: [],
    lock: undefined,
    lastRun: undefined,
    problems: [],
    freeze: {},
    sync: { policy: 'automatic' },
    cordons: [],
    ...overrides,
  };
}

const report = (hosts: HostStatus[], environments: EnvironmentStatus[]): StatusReport => ({ hosts, environments });

describe('statusExitCode', () => {
  it.each([
    ['the fleet is what Git says', report([host()], [environment()]), 0],
    ['a host drifted', report([host({ drift: ['demo'] })], [environment()]), 6],
    ['HEAD is not deployed', report([host()], [environment({ pending: ['web'] })]), 6],
    [
      'a commit waits for lieutenant sync',
      report(
        [host()],
        [
          environment({
            sync: {
              policy: 'manual',
              pending: { commit: 'b'.repeat(40), subject: 'x', since: '', hostsToChange: 1, rollouts: ['web'] },
            },
          }),
        ],
      ),
      6,
    ],
    [
      'a host is out of rotation',
      report([host({ outOfRotation: true })], [environment({ problems: ['web-01 is out of rotation'] })]),
      1,
    ],
    [
      'a host is unreachable, and another drifted',
      report([host({ drift: ['demo'] })], [environment({ problems: ['web-02: timeout'] })]),
      1,
    ],
  ])('%s: exit %i', (_case, found, code) => {
    expect(statusExitCode(found)).toBe(code);
  });
});
