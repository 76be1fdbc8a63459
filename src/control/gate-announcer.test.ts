import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent, RunEventBody } from '../engine/index.js';
import { listActiveRuns, registerActiveRun, type ActiveRunHandle } from '../records/control/active-runs.js';
import { announceGates } from './gate-announcer.js';

const event = (body: RunEventBody, seq = 1): RunEvent => ({
  ...body,
  runId: 'run-1',
  seq,
  at: `2026-11-22T10:00:0${seq}.000Z`,
});
const waiting = event({
  type: 'gate.waiting',
  pause: 'approve',
  afterBatch: 1,
  batches: 2,
  summary: 'Batch 1/2 done — 3 hosts healthy on demo 1.1',
});
const gateOf = async (repo: string) => (await listActiveRuns(repo))[0]?.gate;

describe('announceGates', () => {
  let repo: string;
  let handle: ActiveRunHandle;
  let warnings: string[];
  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'lieutenant-gates-'));
    handle = await registerActiveRun(repo, {
      runId: 'run-1',
      rollout: 'web',
      environment: 'staging',
      operator: 'alice',
    });
    warnings = [];
  });
  afterEach(async () => {
    await handle.close();
    await rm(repo, { recursive: true, force: true });
  });

  it('given gate.waiting, then the run entry shows the gate, since the event; and gate.answered withdraws it', async () => {
    const listener = announceGates(handle, (message) => warnings.push(message));
    await listener(waiting);
    expect(await gateOf(repo)).toEqual({
      afterBatch: 1,
      batches: 2,
      summary: 'Batch 1/2 done — 3 hosts healthy on demo 1.1',
      since: waiting.at,
      approvedBy: [],
    });
    await listener(event({ type: 'gate.answered', decision: 'approve', by: 'bob' }, 2));
    expect(await gateOf(repo)).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('given a run that finishes while waiting (Ctrl-C at the gate), then the gate is withdrawn', async () => {
    const listener = announceGates(handle, (message) => warnings.push(message));
    await listener(waiting);
    await listener(
      event(
        {
          type: 'run.finished',
          result: 'aborted',
          exitCode: 3,
          message: 'aborted',
          changed: [],
          hostsOut: [],
          durationMs: 1000,
        },
        2,
      ),
    );
    expect(await gateOf(repo)).toBeUndefined();
  });

  it('given other events, then nothing is written', async () => {
    const listener = announceGates(handle, (message) => warnings.push(message));
    expect(
      listener(event({ type: 'batch.started', batch: 1, batches: 2, group: 'web', hosts: ['web-01'] })),
    ).toBeUndefined();
    expect(await gateOf(repo)).toBeUndefined();
  });

  it('given the entry cannot be written, then the run is warned that approve may not see the gate, and goes on', async () => {
    const broken: ActiveRunHandle = {
      info: handle.info,
      setGate: () => Promise.reject(new Error('EROFS: read-only file system')),
      close: () => Promise.resolve(),
    };
    await announceGates(broken, (message) => warnings.push(message))(waiting);
    expect(warnings).toEqual(['lieutenant approve may not see this gate: Error: EROFS: read-only file system']);
  });
});
