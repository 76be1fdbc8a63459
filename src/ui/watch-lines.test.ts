import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../app/watch/events.js';
import { describeWatchEvent } from './watch-lines.js';

describe('watch lines', () => {
  const at = '2025-01-02T10:00:00.000Z';

  it('says what started, and what drifted with installed and deployed versions', () => {
    const started: WatchEvent = {
      type: 'watch.started',
      at,
      repoDir: '/r',
      branch: 'main',
      remote: 'origin',
      webhook: 'http://127.0.0.1:8787/',
      intervalMs: 30_000,
    };
    const alerted: WatchEvent = {
      type: 'drift.alerted',
      at,
      environment: 'staging',
      since: at,
      hosts: [
        {
          environment: 'staging',
          rollout: 'web',
          host: 'web-02',
          installed: { demo: '2.0' },
          expected: { demo: '1.1' },
          drift: ['demo'],
          outOfRotation: false,
        },
        {
          environment: 'staging',
          rollout: 'web',
          host: 'web-05',
          installed: { demo: '1.1' },
          expected: { demo: '1.1' },
          drift: [],
          outOfRotation: true,
        },
      ],
    };
    expect(describeWatchEvent(started)).toEqual([
      'following origin/main, webhook on http://127.0.0.1:8787/, every 30s (Ctrl-C stops)',
    ]);
    expect(describeWatchEvent(alerted)).toEqual([
      `ALERT drift in staging since ${at}: web-02 (demo 2.0, deployed demo 1.1), web-05 (out of rotation)`,
    ]);
  });

  it('lists every spec error of an invalid head on its own line', () => {
    const invalid: WatchEvent = {
      type: 'spec.invalid',
      at,
      commit: 'abcdef1234567',
      errors: ['playbooks/web.yaml:7:3: unknown key "batchez"', 'inventories/staging.yaml:2:1: …'],
    };
    expect(describeWatchEvent(invalid)).toEqual([
      'abcdef1 is invalid; nothing runs until a commit fixes it:',
      'playbooks/web.yaml:7:3: unknown key "batchez"',
      'inventories/staging.yaml:2:1: …',
    ]);
  });
});
