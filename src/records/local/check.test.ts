import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkState } from './check.js';
import { acquireLock, readLock } from '../lock/local-lock.js';

let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'lieutenant-check-'));
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

const state = (...parts: string[]) => join(repo, '.lieutenant', ...parts);
const problemOf = async () => {
  const checked = await checkState(repo);
  return checked.ok ? undefined : checked.error;
};
const aLock = (fields: Record<string, unknown>) =>
  JSON.stringify({
    pid: process.pid,
    user: 'alice',
    host: hostname(),
    since: new Date().toISOString(),
    runId: 'run-1',
    rollout: 'web',
    operator: 'alice',
    ...fields,
  });

describe('checkState', () => {
  it('given no state, or the state Lieutenant writes, when checked, then there is no problem', async () => {
    expect(await problemOf()).toBeUndefined();
    await mkdir(state('runs'), { recursive: true });
    await writeFile(state('runs', 'r1.jsonl'), '{}\n');
    const lock = await acquireLock(repo, 'staging', { runId: 'r1', rollout: 'web', operator: 'alice' });
    expect(lock.ok).toBe(true);
    expect(await problemOf()).toBeUndefined();
  });

  it.each([
    ['.lieutenant', [], 'a file, not the directory where Lieutenant keeps its runs, locks and logs'],
    ['runs', ['runs'], 'a file, not a directory'],
    ['locks', ['locks'], 'a file, not a directory'],
    ['logs', ['logs'], 'a file, not a directory'],
  ])('given %s being a file, when checked, then it is named with how to fix it', async (_what, parts, is) => {
    await mkdir(state(), { recursive: true });
    if (parts.length === 0) await rm(state(), { recursive: true });
    await writeFile(state(...parts), 'x');
    expect(await problemOf()).toEqual({
      path: state(...parts),
      message: `${state(...parts)} is ${is}`,
      fix: `move it away (mv ${state(...parts)} ${state(...parts)}.old); Lieutenant makes the directory again`,
    });
  });

  it('given a journal that is a directory, or a FIFO, when checked, then it is named (a FIFO is never opened)', async () => {
    await mkdir(state('runs', 'r1.jsonl'), { recursive: true });
    expect((await problemOf())?.message).toBe(
      `the run journal ${state('runs', 'r1.jsonl')} is a directory, not a file Lieutenant wrote`,
    );
    await rm(state('runs', 'r1.jsonl'), { recursive: true });
    execFileSync('mkfifo', [state('runs', 'r2.jsonl')]);
    expect(await problemOf()).toMatchObject({
      message: `the run journal ${state('runs', 'r2.jsonl')} is a FIFO, not a file Lieutenant wrote`,
      fix: `move it out of ${state('runs')} (mv ${state('runs', 'r2.jsonl')} ${state()}/)`,
    });
  });

  it.each([
    ['a directory', null, 'it is a directory'],
    ['empty', '', 'it is empty'],
    ['not JSON', 'pid=12', 'it is not JSON'],
    ['a pid no process has', aLock({ pid: -1 }), 'pid: not a process id'],
    ['a pid past pid_max', aLock({ pid: 1e20 }), 'pid: not a process id'],
    ['a time that is no time', aLock({ since: 'yesterday' }), 'since: not a time'],
    ['an empty run id', aLock({ runId: '' }), 'runId: empty'],
  ])('given a lock file that is %s, when checked, then it is refused with the reason', async (_what, text, reason) => {
    const path = state('locks', 'staging.lock');
    if (text === null) await mkdir(path, { recursive: true });
    else {
      await mkdir(state('locks'), { recursive: true });
      await writeFile(path, text);
    }
    expect(await problemOf()).toEqual({
      path,
      message: `the lock file ${path} is not a lock Lieutenant wrote (${reason})`,
      fix: `if no run is active in staging, remove it (rm -r ${path})`,
    });
    // And taking the lock refuses with exit 2 and the same reason, never a stack trace
    const taken = await acquireLock(repo, 'staging', { runId: 'r2', rollout: 'web', operator: 'bob' });
    expect(taken).toMatchObject({ ok: false, error: { exitCode: 2, holder: undefined } });
    expect(taken.ok ? '' : taken.error.message).toContain(reason);
    expect(await readLock(repo, 'staging')).toBeUndefined();
  });
});
