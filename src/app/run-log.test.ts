import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../engine/index.js';
import { createRunLogger } from './run-log.js';
import { redactText } from '../core/redact.js';
import { scenario } from '../ui/run-events.fixture.js';

describe('run logger (pino)', () => {
  let repo: string;
  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'lieutenant-log-'));
  });
  afterEach(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('given a run, when every event is logged, then the file has one JSON line per event under .lieutenant/logs/<runId>.log', async () => {
    // Given
    const events = scenario({ hosts: 4 }).failure();
    const logger = createRunLogger(repo, 'run-1');
    // When
    events.forEach(logger.listener);
    await logger.close();
    // Then
    expect(logger.path).toBe(join(repo, '.lieutenant', 'logs', 'run-1.log'));
    const lines = (await readFile(logger.path, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(events.length);
    expect(lines.map((line) => line.event.seq)).toEqual(events.map((e) => e.seq));
    expect(lines[0]).toMatchObject({ runId: 'run-1', msg: 'run.started', level: 30 });
    const failed = lines.find((line) => line.msg === 'host.failed');
    expect(failed).toMatchObject({ level: 50, event: { host: 'web-02', step: 'health' } });
  });

  it('given secrets in events (a field, a URL, a message), when logged, then none of them reaches the file', async () => {
    // Given: the kinds of places a secret could leak through
    const base = { runId: 'run-2', at: '2025-05-01T12:00:00.000Z' };
    const events = [
      {
        ...base,
        seq: 1,
        type: 'log',
        level: 'warn',
        message: 'ssh: retrying with password=hunter2 and token: abc.def',
        token: 'tok-SECRET-1',
      },
      {
        ...base,
        seq: 2,
        type: 'host.health.checked',
        host: 'web-01',
        check: 'http://admin:pw-SECRET-2@127.0.1.11:8080/health',
        measurement: { phase: 'fail', reason: 'Authorization: Bearer eyJSECRET3 rejected' },
        passes: 0,
        threshold: 2,
      },
      {
        ...base,
        seq: 3,
        type: 'log',
        level: 'info',
        message: 'deep',
        detail: { ssh: { privateKey: '-----BEGIN KEY SECRET-4', passphrase: 'SECRET-5' } },
      },
    ] as unknown as RunEvent[];
    const logger = createRunLogger(repo, 'run-2');
    // When
    events.forEach(logger.listener);
    await logger.close();
    // Then
    const text = await readFile(logger.path, 'utf8');
    for (const secret of ['hunter2', 'abc.def', 'tok-SECRET-1', 'pw-SECRET-2', 'eyJSECRET3', 'SECRET-4', 'SECRET-5']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
    // What is not secret survives.
    expect(text).toContain('127.0.1.11:8080/health');
    expect(text).toContain('ssh: retrying with password=');
  });

  it('given what an adapter measured, when noted at the end of a run, then it is one info line after the events', async () => {
    const logger = createRunLogger(repo, 'run-3');
    scenario({ hosts: 2 }).failure().forEach(logger.listener);
    const usage = { edge: { commands: 40, connections: 41, retries: 1, failures: 0, peakConnections: 3 } };
    logger.note('haproxy.runtime-api', { loadBalancers: usage });
    await logger.close();
    const lines = (await readFile(logger.path, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.at(-1)).toMatchObject({ runId: 'run-3', level: 30, msg: 'haproxy.runtime-api', loadBalancers: usage });
  });

  it('given ordinary text, when redacted, then it is left alone', () => {
    expect(redactText('web-01 demo 1.0 → 1.1; tokens of appreciation')).toBe(
      'web-01 demo 1.0 → 1.1; tokens of appreciation',
    );
  });
});
