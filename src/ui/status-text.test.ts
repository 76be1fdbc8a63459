import { describe, expect, it } from 'vitest';
import type { EnvironmentStatus, HostStatus, StatusReport } from '../app/status-service.js';
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
          freeze: {},
          sync: { policy: 'automatic' },
          cordons: [],
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

const environment = (freeze: EnvironmentStatus['freeze']): EnvironmentStatus => ({
  environment: 'production',
  head: { sha: 'a'.repeat(40), subject: 'Release demo 1.1' },
  deployed: {},
  pending: [],
  lock: undefined,
  lastRun: undefined,
  problems: [],
  freeze,
  sync: { policy: 'automatic' },
  cordons: [],
});

const weekend = {
  window: 'Fri 16:00 - Mon 08:00 Europe/Berlin',
  reason: 'no changes over the weekend',
  timeZone: 'Europe/Berlin',
  allowRollback: true,
};

describe('status: freeze windows', () => {
  it('shows the next window in its own time zone', () => {
    const lines = statusText({
      hosts: [],
      environments: [
        environment({ next: { ...weekend, start: '2026-12-04T15:00:00.000Z', end: '2026-12-07T07:00:00.000Z' } }),
      ],
    });
    expect(lines).toContain(
      '  next freeze: Fri 2026-12-04 16:00 Europe/Berlin until Mon 2026-12-07 08:00 Europe/Berlin: no changes over the weekend',
    );
  });

  it('shows the window open now, until when, and whether rollbacks may start', () => {
    const lines = statusText({
      hosts: [],
      environments: [
        environment({ now: { ...weekend, start: '2026-07-03T14:00:00.000Z', end: '2026-07-06T06:00:00.000Z' } }),
      ],
    });
    expect(lines).toContain(
      '  frozen until Mon 2026-07-06 08:00 Europe/Berlin: no changes over the weekend (Fri 16:00 - Mon 08:00 Europe/Berlin; rollbacks allowed)',
    );
    expect(lines.join('\n')).not.toContain('next freeze');
  });
});

describe('statusText under manual sync', () => {
  it('Given a pending commit, When shown, Then the environment says out of sync with the commit, its subject, since when and how many hosts change', () => {
    // Given
    const report: StatusReport = {
      environments: [
        {
          ...environment({}),
          sync: {
            policy: 'manual',
            pending: {
              commit: 'b'.repeat(40),
              subject: 'Release demo 1.2',
              since: '2026-12-02T04:00:00.000Z',
              hostsToChange: 3,
              rollouts: ['web'],
            },
            watcher: { watcher: 'alice on box (pid 7)', at: '2026-12-02T04:05:00.000Z', present: true },
          },
        },
      ],
      hosts: [],
    };
    // When
    const lines = statusText(report);
    // Then
    expect(lines).toContain(
      '  out of sync: bbbbbbb Release demo 1.2 pending since 2026-12-02T04:00:00.000Z, 3 hosts to change (lieutenant sync production)',
    );
    expect(lines).toContain('  watcher: alice on box (pid 7), last seen 2026-12-02T04:05:00.000Z');
  });
});
