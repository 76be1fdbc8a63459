import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GateRequest } from '../engine/index.js';
import { registerActiveRun, type ActiveRunHandle } from '../records/control/active-runs.js';
import { sendAnswer } from '../records/control/answers.js';
import { watchForAbort } from './abort-watch.js';
import { createControlApprover } from './control-approver.js';
import { announceGates } from './gate-announcer.js';
import { controlDir } from '../records/index.js';

const request: GateRequest = {
  runId: 'run-1',
  afterBatch: 1,
  batches: 2,
  summary: 'Batch 1/2 done — 2 hosts healthy on demo 1.1',
  kind: 'pause',
};
const registration = (runId: string) => ({
  runId,
  rollout: 'web',
  environment: 'staging',
  operator: 'alice',
  startedAt: new Date().toISOString(),
});

/** The run announces its gate as a real run does (announceGates on gate.waiting); then `approve` can answer it. */
async function announceGate(handle: ActiveRunHandle, gate: GateRequest): Promise<void> {
  const fail = (message: string) => {
    throw new Error(message);
  };
  await announceGates(
    handle,
    fail,
  )({
    type: 'gate.waiting',
    pause: 'approve',
    afterBatch: gate.afterBatch,
    batches: gate.batches,
    summary: gate.summary,
    runId: gate.runId,
    seq: 1,
    at: new Date().toISOString(),
  });
}

describe('control channel', () => {
  let repo: string;
  let handle: ActiveRunHandle | undefined;
  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'lieutenant-control-'));
  });
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
    await rm(repo, { recursive: true, force: true });
  });

  it('given no run, when approving, then it says no run is running in the repo', async () => {
    const result = await sendAnswer(repo, undefined, { decision: 'approve', by: 'bob' });
    expect(result).toEqual({ ok: false, error: { message: `no run is running in ${repo}` } });
  });

  it('given two runs, when approving without naming one, then it lists them and asks to name one', async () => {
    handle = await registerActiveRun(repo, registration('run-a'));
    const other = await registerActiveRun(repo, registration('run-b'));
    const result = await sendAnswer(repo, undefined, { decision: 'approve', by: 'bob' });
    await other.close();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(
      /^2 runs are running in .*: run-a \(web on staging, by alice\); run-b .*name one/,
    );
  });

  it('given a run still working on a batch, when approving, then it says the run is not waiting at a gate', async () => {
    handle = await registerActiveRun(repo, registration('run-1'));
    const result = await sendAnswer(repo, 'run-1', { decision: 'approve', by: 'bob' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('run-1 is not waiting at a gate');
  });

  it('given a run still working on a batch, when aborting, then the abort is taken at once by the run, with who and why', async () => {
    // Given a run working on its batch, watching for aborts
    handle = await registerActiveRun(repo, registration('run-1'));
    const watch = await watchForAbort(repo, 'run-1', 20);
    try {
      // When an operator aborts it from another terminal
      const sent = await sendAnswer(repo, undefined, { decision: 'abort', by: 'carol', reason: 'error rate up' });
      expect(sent).toEqual({ ok: true, value: { runId: 'run-1' } });
      // Then the run's abort signal fires with the answer, and the file is consumed
      await new Promise<void>((resolve) => watch.signal.addEventListener('abort', () => resolve(), { once: true }));
      expect(watch.signal.reason).toMatchObject({ decision: 'abort', by: 'carol', reason: 'error rate up' });
      expect((await readdir(controlDir(repo, 'run-1'))).filter((name) => name.startsWith('abort-'))).toEqual([]);
    } finally {
      watch.close();
    }
  });

  it('given a run naming an unknown RUN, when approving, then it says so and lists what runs', async () => {
    handle = await registerActiveRun(repo, registration('run-1'));
    const result = await sendAnswer(repo, 'run-9', { decision: 'approve', by: 'bob' });
    expect(result).toMatchObject({
      ok: false,
      error: { message: `run run-9 is not running in ${repo}`, detail: expect.stringContaining('run-1') },
    });
  });

  it('given a run waiting at a gate, when another caller approves with a reason, then the approver resolves with it and the answer file is consumed', async () => {
    // Given
    handle = await registerActiveRun(repo, registration('run-1'));
    await announceGate(handle, request);
    const answer = createControlApprover(repo, 'run-1', { pollMs: 5_000 }).await(request, new AbortController().signal);
    // When
    const sent = await sendAnswer(repo, undefined, { decision: 'approve', by: 'bob', reason: 'graphs look fine' });
    // Then
    expect(sent).toEqual({ ok: true, value: { runId: 'run-1', gate: { afterBatch: 1, batches: 2 } } });
    await expect(answer).resolves.toMatchObject({ decision: 'approve', by: 'bob', reason: 'graphs look fine' });
    expect((await readdir(controlDir(repo, 'run-1'))).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it('given a late answer meant for an earlier gate, when the next gate waits, then that answer is not taken for it', async () => {
    handle = await registerActiveRun(repo, registration('run-1'));
    await announceGate(handle, request);
    const approver = createControlApprover(repo, 'run-1', { pollMs: 20 });
    const first = approver.await(request, new AbortController().signal);
    await sendAnswer(repo, undefined, { decision: 'approve', by: 'bob' });
    await sendAnswer(repo, undefined, { decision: 'abort', by: 'carol' }); // too late: answers gate 1 again
    await expect(first).resolves.toMatchObject({ by: 'bob' });
    // When the second gate waits
    await announceGate(handle, { ...request, afterBatch: 2, batches: 3 });
    const second = approver.await({ ...request, afterBatch: 2, batches: 3 }, new AbortController().signal);
    await sendAnswer(repo, 'run-1', { decision: 'approve', by: 'dave' });
    // Then carol's stale abort was discarded, dave's approval answers gate 2
    await expect(second).resolves.toMatchObject({ decision: 'approve', by: 'dave' });
  });

  it('given a waiting approver, when its signal aborts, then it stops with the abort reason', async () => {
    handle = await registerActiveRun(repo, registration('run-1'));
    await announceGate(handle, request);
    const controller = new AbortController();
    const answer = createControlApprover(repo, 'run-1', { pollMs: 20 }).await(request, controller.signal);
    controller.abort(new Error('answered in the TUI'));
    await expect(answer).rejects.toThrow('answered in the TUI');
  });

  it('given a run waiting at a gate, when a separate process runs approve, then the approver resolves with its reason', async () => {
    // Given
    handle = await registerActiveRun(repo, registration('run-1'));
    await announceGate(handle, request);
    const answer = createControlApprover(repo, 'run-1', { pollMs: 200 }).await(request, new AbortController().signal);
    // When: another process, as `lieutenant approve --reason` from a second terminal would
    const script = fileURLToPath(new URL('./send-answer.fixture.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', script, repo, 'abort', 'erin', 'error rate up on web-01'],
      { cwd: process.cwd() },
    );
    // Then
    expect(JSON.parse(stdout)).toEqual({ ok: true, value: { runId: 'run-1', gate: { afterBatch: 1, batches: 2 } } });
    await expect(answer).resolves.toMatchObject({ decision: 'abort', by: 'erin', reason: 'error rate up on web-01' });
  });
});
