import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/index.js';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notificationFor, sendSyncPending, slackBody } from './notifications.js';

const run = {
  runId: 'web-1',
  rollout: 'web',
  environment: 'staging',
  commit: { sha: 'c0ffee0000', subject: 'Release demo 1.1' },
  operator: 'alice',
};
const stamp = { runId: 'web-1', seq: 1, at: '2026-01-01T00:00:00.000Z' };
const metrics = [
  {
    name: 'errors',
    verdict: 'inconclusive' as const,
    counts: { pass: 0, fail: 0, inconclusive: 2 },
    measurements: [
      { phase: 'inconclusive' as const, value: null, reason: '3 responses' },
      { phase: 'inconclusive' as const, value: 0.1, reason: '0.1 meets neither' },
    ],
  },
];

describe('run notifications', () => {
  it('Given an analysis gate, then a gate.waiting message with the run, the batch and every measurement, keyed once per gate', () => {
    const event: RunEvent = {
      ...stamp,
      type: 'gate.waiting',
      afterBatch: 1,
      batches: 2,
      pause: 'analysis',
      summary: 'Batch 1/2: analysis inconclusive — errors: …',
      analysis: metrics,
    };
    const found = notificationFor(event, run);
    expect(found?.key).toBe('gate 1 analysis');
    expect(found?.notification).toMatchObject({
      type: 'gate.waiting',
      runId: 'web-1',
      batch: 1,
      measurements: metrics,
    });
    expect(found?.notification.text).toContain('--yes does not answer it');
  });

  it('Given measurements and a passing analysis, then nothing is sent; a failed one is analysis.failed', () => {
    const measured: RunEvent = {
      ...stamp,
      type: 'analysis.measured',
      batch: 1,
      metric: 'errors',
      index: 1,
      count: 5,
      measurement: { phase: 'fail', value: 0.3, reason: '0.3 >= 0.2' },
    };
    expect(notificationFor(measured, run)).toBeUndefined();
    const finished = (verdict: 'pass' | 'fail'): RunEvent => ({
      ...stamp,
      type: 'analysis.finished',
      batch: 1,
      batches: 2,
      verdict,
      reason: 'errors: …',
      metrics,
      action: verdict === 'pass' ? 'continue' : 'fail',
    });
    expect(notificationFor(finished('pass'), run)).toBeUndefined();
    expect(notificationFor(finished('fail'), run)?.notification.type).toBe('analysis.failed');
  });

  it.each([
    ['succeeded', 0, 'run.succeeded'],
    ['rolled-back', 1, 'run.failed'],
    ['aborted', 3, 'run.aborted'],
  ] as const)('Given a run %s, then %s', (result, exitCode, type) => {
    const event: RunEvent = {
      ...stamp,
      type: 'run.finished',
      result,
      exitCode,
      message: 'm',
      changed: [],
      hostsOut: [],
      durationMs: 1,
    };
    expect(notificationFor(event, run)?.notification.type).toBe(type);
  });

  it('Given the slack format, then one text: the line, then each metric with its measurements', () => {
    const body = slackBody({
      ...run,
      type: 'gate.waiting',
      text: 'web on staging: waiting',
      at: stamp.at,
      measurements: metrics,
    });
    expect(body).toEqual({ text: 'web on staging: waiting\n• errors: inconclusive (inconclusive, inconclusive 0.1)' });
  });
});

describe('sync.pending notifications (a real local HTTP receiver)', () => {
  it('Given a Slack webhook asking for sync.pending and a JSON one that does not, then only the Slack one is posted, with the one-line text', async () => {
    // Given
    const bodies: unknown[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        bodies.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const text = 'production is out of sync: abcdef0 "Release" pending, 2 hosts to change';
    try {
      // When
      const warnings = await sendSyncPending(
        [
          { url: { kind: 'literal', url }, format: 'slack', on: ['sync.pending'] },
          { url: { kind: 'literal', url }, format: 'json', on: ['run.failed'] },
        ],
        {
          type: 'sync.pending',
          text,
          environment: 'production',
          commit: { sha: 'abcdef0123', subject: 'Release' },
          at: '2026-12-02T04:00:00.000Z',
          hostsToChange: 2,
          rollouts: ['shop'],
        },
        { env: {} },
      );
      // Then
      expect(warnings).toEqual([]);
      expect(bodies).toEqual([{ text }]);
    } finally {
      server.close();
    }
  });
});
