import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../app/history-service.js';
import { formatHistory } from './history-text.js';

const SHA = 'abcdef0123456789abcdef0123456789abcdef01';

const entry = (overrides: Partial<HistoryEntry>): HistoryEntry => ({
  runId: 'r1',
  environment: 'staging',
  rollout: 'web',
  commit: { sha: SHA, subject: 'web: demo 1.1' },
  operator: 'alice',
  startedAt: '2025-01-02T10:00:00.000Z',
  finishedAt: '2025-01-02T10:04:30.000Z',
  durationMs: 270_000,
  result: 'succeeded',
  approvals: [],
  analyses: [],
  hostsChanged: [],
  hostsOut: [],
  source: 'note',
  ...overrides,
});

describe('formatHistory', () => {
  it('shows a run started at midnight as 00:00 of its day, never 24:00 of the day before', () => {
    const text = formatHistory([entry({ startedAt: '2026-12-08T00:00:30.000Z' })], 'UTC');
    expect(text).toContain('2026-12-08 00:00');
    expect(text).not.toContain('24:00');
  });

  it('prints one row per run with its gate answers and hosts left out below it', () => {
    const text = formatHistory(
      [
        entry({
          runId: 'r2',
          startedAt: '2025-01-03T08:15:00.000Z',
          durationMs: 65_000,
          finishedAt: undefined,
          result: 'interrupted',
          resumedBy: 'r3',
          operator: 'bob',
          commit: { sha: SHA, subject: 'web: demo 2.0, a subject far too long to fit the column' },
          approvals: [
            { by: 'carol', decision: 'approve', reason: 'graphs flat', at: '2025-01-03T08:16:00.000Z', afterBatch: 1 },
          ],
          hostsOut: [{ host: 'web-03', group: 'web', reason: 'ssh lost' }],
        }),
        entry({
          approvals: [{ by: 'alice', decision: 'abort', at: '2025-01-02T10:02:00.000Z', afterBatch: 2 }],
          analyses: [
            {
              afterBatch: 2,
              verdict: 'inconclusive',
              reason: 'errors: 5 of 5 measurements inconclusive (limit 0)',
              metrics: [{ name: 'errors', verdict: 'inconclusive', pass: 0, fail: 0, inconclusive: 5 }],
            },
          ],
          result: 'aborted',
        }),
      ],
      'UTC',
    );

    expect(text).toBe(
      [
        'STARTED           WHERE        COMMIT   SUBJECT                                   OPERATOR  DURATION  RESULT',
        '2025-01-03 08:15  staging/web  abcdef0  web: demo 2.0, a subject far too long t…  bob       1m 05s    interrupted (resumed by r3)',
        '    approved after batch 1 by carol: graphs flat',
        '    out of rotation: web-03 (ssh lost)',
        '2025-01-02 10:00  staging/web  abcdef0  web: demo 1.1                             alice     4m 30s    aborted',
        '    analysis after batch 2: inconclusive — errors inconclusive (0 pass, 0 fail, 5 inconclusive)',
        '    aborted after batch 2 by alice',
        '',
      ].join('\n'),
    );
  });

  it('names an abort sent while the run worked on a batch by that batch, not by the gate before it', () => {
    const text = formatHistory(
      [
        entry({
          result: 'aborted',
          approvals: [
            {
              by: 'carol',
              decision: 'abort',
              reason: 'wrong release',
              at: '2025-01-02T10:02:00.000Z',
              afterBatch: 1,
              during: 2,
            },
          ],
        }),
      ],
      'UTC',
    );
    expect(text.split('\n')[2]).toBe('    aborted during batch 2 by carol: wrong release');
  });
});

describe('formatHistory under manual sync', () => {
  it('given a run that applied a pending commit, then the line below it says who synced it, why, and since when it was pending', () => {
    // When
    const text = formatHistory(
      [
        entry({
          environment: 'production',
          sync: {
            appliedBy: 'carol',
            reason: 'CAB-112',
            detectedAt: '2025-01-02T09:00:00.000Z',
            detectedBy: 'ops on box (pid 7)',
          },
        }),
      ],
      'UTC',
    );
    // Then
    expect(text.split('\n')[2]).toBe(
      '    synced by carol: CAB-112 (pending since 2025-01-02T09:00:00.000Z, detected by ops on box (pid 7))',
    );
  });
});
