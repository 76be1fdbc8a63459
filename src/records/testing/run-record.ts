/** Builds a RunRecord for tests; only what a test cares about needs saying. */
import type { RunRecord } from '../deploy/run-record.js';

export function aRunRecord(overrides: Partial<RunRecord> & Pick<RunRecord, 'commit'>): RunRecord {
  return {
    runId: 'run-1',
    rollout: 'web',
    environment: 'staging',
    subject: 'web: demo 1.1',
    operator: 'alice',
    startedAt: '2025-01-02T10:00:00.000Z',
    finishedAt: '2025-01-02T10:04:30.000Z',
    result: 'succeeded',
    hostsChanged: ['web-01', 'web-02'],
    hostsOut: [],
    approvals: [
      { by: 'alice', decision: 'approve', reason: 'batch 1 looks good', at: '2025-01-02T10:02:00.000Z', afterBatch: 1 },
    ],
    analyses: [],
    ...overrides,
  };
}
