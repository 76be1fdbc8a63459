import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createControlApprover, registerActiveRun, type ActiveRunHandle } from '../control/index.js';
import type { CliContext } from './context.js';
import { describeFailure } from './errors.js';
import { register as registerAbort } from './abort.js';
import { register as registerApprove } from './approve.js';

const request = {
  runId: 'run-1',
  afterBatch: 1,
  batches: 2,
  summary: 'Batch 1/2 done — 2 hosts healthy on demo 1.1',
  kind: 'pause' as const,
};

describe('lieutenant approve / abort', () => {
  let repo: string;
  let handle: ActiveRunHandle | undefined;
  let out: string;
  let exitCode: number;

  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'lieutenant-approve-'));
    out = '';
    exitCode = 0;
  });
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
    await rm(repo, { recursive: true, force: true });
  });

  /** Like main.ts: a global --repo, errors become describeFailure's text and exit code. */
  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const context: CliContext = {
      io: { stdout: { write: (text: string) => (out += text) }, stderr: { write: () => undefined } },
      cwd: repo,
      signal: new AbortController().signal,
      forceSignal: new AbortController().signal,
      setExitCode: (code) => (exitCode = code),
    };
    const program = new Command('lieutenant').option('--repo <dir>').exitOverride();
    registerApprove(program, context);
    registerAbort(program, context);
    try {
      await program.parseAsync(argv, { from: 'user' });
      return { code: exitCode, out, err: '' };
    } catch (error) {
      const failure = describeFailure(error);
      return { code: failure.exitCode, out, err: failure.text };
    }
  }

  const waitingRun = async () => {
    handle = await registerActiveRun(repo, {
      runId: 'run-1',
      rollout: 'web',
      environment: 'staging',
      operator: 'alice',
    });
    await handle.setGate({
      afterBatch: request.afterBatch,
      batches: request.batches,
      summary: request.summary,
      since: new Date().toISOString(),
    });
    const answer = createControlApprover(repo, 'run-1', { pollMs: 50 }).await(request, new AbortController().signal);
    // Wrapped: returning the promise itself would make the caller await the answer.
    return { answer };
  };

  it('given no run, when approving, then it exits 2 saying there is no run in the repo', async () => {
    const result = await cli('approve', '--repo', repo);
    expect(result).toEqual({
      code: 2,
      out: '',
      err: `error: lieutenant approve: no run is waiting for an answer (in ${repo})\n`,
    });
  });

  it('given a run waiting at a gate, when approving with a reason, then the run gets it and the operator is told', async () => {
    const { answer } = await waitingRun();
    const result = await cli('approve', '--reason', '  graphs look fine ');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^approved run run-1 at the gate after batch 1\/2 \(as .+\)\n$/);
    await expect(answer).resolves.toMatchObject({ decision: 'approve', reason: 'graphs look fine' });
  });

  it('given a run waiting at a gate, when `abort RUN --repo DIR` is run elsewhere, then the run gets an abort', async () => {
    const { answer } = await waitingRun();
    const result = await cli('abort', 'run-1', '--repo', repo, '--reason', 'error rate');
    expect(result.code).toBe(0);
    expect(result.out).toContain('aborted run run-1');
    await expect(answer).resolves.toMatchObject({ decision: 'abort', reason: 'error rate' });
  });
});
