import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createControlApprover, listActiveRuns, registerActiveRun, type ActiveRunHandle } from '../control/index.js';
import { registerAbort } from './abort.js';
import { answerGate } from './approve.js';

const request = { runId: 'run-1', afterBatch: 1, batches: 2, summary: 'Batch 1/2 done — 2 hosts healthy on demo 1.1' };

describe('lieutenant approve / abort', () => {
  let repo: string;
  let handle: ActiveRunHandle | undefined;
  const lines = { out: [] as string[], err: [] as string[] };
  const io = { out: (line: string) => lines.out.push(line), err: (line: string) => lines.err.push(line) };

  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'lieutenant-approve-'));
    lines.out = [];
    lines.err = [];
  });
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
    await rm(repo, { recursive: true, force: true });
  });

  const waitingRun = async () => {
    handle = await registerActiveRun(repo, { runId: 'run-1', rollout: 'web', environment: 'staging', operator: 'alice' });
    const answer = createControlApprover(repo, 'run-1', { active: handle, pollMs: 50 }).await(request, new AbortController().signal);
    while ((await listActiveRuns(repo))[0]?.gate === undefined) await new Promise((r) => setImmediate(r));
    // Wrapped: returning the promise itself would make the caller await the answer.
    return { answer };
  };

  it('given no run, when approving, then it exits 2 saying there is no run in the repo', async () => {
    const code = await answerGate('approve', { repoDir: repo, by: 'bob' }, io);
    expect(code).toBe(2);
    expect(lines.err).toEqual([`lieutenant approve: no run is running in ${repo}`]);
  });

  it('given a run waiting at a gate, when approving with a reason, then the run gets it and the operator is told', async () => {
    const { answer } = await waitingRun();
    const code = await answerGate('approve', { repoDir: repo, by: 'bob', reason: '  graphs look fine ' }, io);
    expect(code).toBe(0);
    expect(lines.out).toEqual(['approved run run-1 at the gate after batch 1/2 (as bob)']);
    await expect(answer).resolves.toEqual({ decision: 'approve', by: 'bob', reason: 'graphs look fine' });
  });

  it('given a run waiting at a gate, when `abort --repo DIR` is parsed, then the run gets an abort', async () => {
    const { answer } = await waitingRun();
    const program = new Command().exitOverride();
    registerAbort(program);
    const previous = process.exitCode;
    await program.parseAsync(['abort', 'run-1', '--repo', repo, '--reason', 'error rate'], { from: 'user' });
    const code = process.exitCode;
    process.exitCode = previous;
    expect(code).toBe(0);
    await expect(answer).resolves.toMatchObject({ decision: 'abort', reason: 'error rate' });
  });
});
