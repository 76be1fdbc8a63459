import { describe, expect, it } from 'vitest';
import type { HostStatus, StatusReport } from '../app/status-service.js';
import { statusText } from './status-text.js';

const host = (name: string, packageManager: HostStatus['packageManager'], installed: string): HostStatus => ({
  environment: 'staging',
  rollout: 'web',
  group: packageManager === 'apt' ? 'web' : 'fedora',
  packageManager,
  host: name,
  address: '127.0.0.1',
  installed: { demo: installed },
  expected: { demo: '1.1' },
  committed: { demo: '1.1' },
  drift: [],
  rotation: { edge: { status: 'UP', adminState: 'ready', sessions: 0 } },
  outOfRotation: false,
});

describe('statusText', () => {
  it('Given a Debian and an RPM host, When shown, Then each row names its package manager beside the versions', () => {
    // Given
    const report: StatusReport = {
      environments: [
        {
          environment: 'staging',
          head: { sha: 'a'.repeat(40), subject: 'Release demo 1.1' },
          deployed: { web: 'a'.repeat(40) },
          pending: [],
          lock: undefined,
          lastRun: undefined,
          problems: [],
        },
      ],
      hosts: [host('web-01', 'apt', '1.1'), host('fedora-01', 'dnf', '1.1-1')],
    };
    // When
    const lines = statusText(report);
    // Then
    expect(lines.slice(-3)).toEqual([
      '  host       manager  installed → expected            rotation',
      `  web-01     apt      ${'demo 1.1'.padEnd(30)}  edge:UP`,
      `  fedora-01  dnf      ${'demo 1.1-1'.padEnd(30)}  edge:UP`,
    ]);
  });
});
