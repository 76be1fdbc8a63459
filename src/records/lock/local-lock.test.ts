import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockPath } from '../local/layout.js';
import { acquireLock, readLock } from './local-lock.js';

const holder = (runId: string) => ({ runId, rollout: 'web', operator: 'alice' });

describe('acquireLock', () => {
  let repoDir: string;
  beforeEach(async () => {
    repoDir = await mkdtemp(join(tmpdir(), 'lieutenant-lock-'));
  });
  afterEach(async () => {
    await rm(repoDir, { recursive: true, force: true });
  });

  it('gives the first run the lock and tells the second who holds it', async () => {
    // Given a run holding staging
    const first = await acquireLock(repoDir, 'staging', holder('run-1'));
    expect(first.ok).toBe(true);

    // When a second run asks for it
    const second = await acquireLock(repoDir, 'staging', holder('run-2'));

    // Then it is refused, naming the holder
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.error.holder?.runId).toBe('run-1');
    expect(second.error.message).toMatch(
      new RegExp(
        `^staging is locked by run run-1 \\(pid ${process.pid}, \\S+@${hostname()}, since \\d\\d:\\d\\d:\\d\\d\\)$`,
      ),
    );
  });

  it('writes the holder into .lieutenant/locks/<env>.lock and readLock reports it', async () => {
    // Given a held lock
    const lock = await acquireLock(repoDir, 'prod', holder('run-9'));
    if (!lock.ok) throw new Error(lock.error.message);

    // Then the file names the holder
    const onDisk = JSON.parse(await readFile(join(repoDir, '.lieutenant/locks/prod.lock'), 'utf8'));
    expect(onDisk).toMatchObject({
      pid: process.pid,
      host: hostname(),
      runId: 'run-9',
      rollout: 'web',
      operator: 'alice',
    });
    expect(new Date(onDisk.since).getTime()).toBeGreaterThan(Date.now() - 60_000);
    // And readLock sees a live holder
    expect(await readLock(repoDir, 'prod')).toEqual({ holder: onDisk, stale: false });
  });

  it('lets another environment run at the same time', async () => {
    expect((await acquireLock(repoDir, 'staging', holder('run-1'))).ok).toBe(true);
    expect((await acquireLock(repoDir, 'prod', holder('run-2'))).ok).toBe(true);
  });

  it('release frees the lock, and only removes a lock that is still ours', async () => {
    // Given a lock that was released
    const first = await acquireLock(repoDir, 'staging', holder('run-1'));
    if (!first.ok) throw new Error(first.error.message);
    await first.value.release();
    expect(await readLock(repoDir, 'staging')).toBeUndefined();

    // When another run takes it and the first releases again
    const second = await acquireLock(repoDir, 'staging', holder('run-2'));
    expect(second.ok).toBe(true);
    await first.value.release();

    // Then the second run still holds it
    expect((await readLock(repoDir, 'staging'))?.holder.runId).toBe('run-2');
  });

  it('takes over a lock whose process is gone, with a warning', async () => {
    // Given a lock left by a process that has exited
    const deadPid = await pidOfExitedProcess();
    await writeLockFile(repoDir, 'staging', { pid: deadPid, runId: 'run-dead' });
    expect((await readLock(repoDir, 'staging'))?.stale).toBe(true);

    // When a new run asks for the lock
    const lock = await acquireLock(repoDir, 'staging', holder('run-new'));

    // Then it gets it, and is told what it took over
    if (!lock.ok) throw new Error(lock.error.message);
    expect(lock.value.warning).toBe(`took over a stale lock from pid ${deadPid} (run run-dead)`);
    expect(await readLock(repoDir, 'staging')).toMatchObject({
      holder: { runId: 'run-new', pid: process.pid },
      stale: false,
    });
  });

  it('never takes over a lock from another host, whose process it cannot see', async () => {
    const deadPid = await pidOfExitedProcess();
    await writeLockFile(repoDir, 'staging', { pid: deadPid, runId: 'run-far', host: 'elsewhere.example' });

    const lock = await acquireLock(repoDir, 'staging', holder('run-new'));

    expect(lock.ok).toBe(false);
    if (!lock.ok) expect(lock.error.message).toContain('run run-far');
  });

  it.each([
    ['a free lock', false],
    ['a stale lock', true],
  ])('lets exactly one of two processes racing for %s win', async (_what, stale) => {
    // Given two separate processes ready to ask at the same moment (for a lock left by a dead process, too)
    if (stale) await writeLockFile(repoDir, 'staging', { pid: await pidOfExitedProcess(), runId: 'run-dead' });
    const racers = ['racer-a', 'racer-b'].map((runId) => startContender(repoDir, runId));
    try {
      await Promise.all(racers.map((r) => r.ready));
      // When both are told to go
      for (const r of racers) r.child.stdin.write('go\n');
      const outcomes = await Promise.all(racers.map((r) => r.outcome));

      // Then exactly one won, and the other was told the winner's run
      const winners = outcomes.filter((o) => o.won);
      expect(winners).toHaveLength(1);
      const loser = outcomes.find((o) => !o.won);
      expect(loser?.message).toContain(`locked by run ${winners[0]?.runId}`);
    } finally {
      for (const r of racers) r.child.stdin.end();
      await Promise.all(racers.map((r) => r.exited));
    }
    // And the winner released it when it finished
    expect(await readLock(repoDir, 'staging')).toBeUndefined();
  });
});

async function pidOfExitedProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid;
  await once(child, 'exit');
  if (pid === undefined) throw new Error('no pid');
  return pid;
}

async function writeLockFile(repoDir: string, env: string, fields: { pid: number; runId: string; host?: string }) {
  const path = lockPath(repoDir, env);
  await mkdir(dirname(path), { recursive: true });
  const info = {
    user: 'bob',
    host: hostname(),
    since: new Date().toISOString(),
    rollout: 'web',
    operator: 'bob',
    ...fields,
  };
  await writeFile(path, JSON.stringify(info));
}

interface Outcome {
  won: boolean;
  runId: string;
  message?: string;
}

function startContender(repoDir: string, runId: string) {
  const script = fileURLToPath(new URL('./testing/lock-contender.ts', import.meta.url));
  const child = spawn('npx', ['tsx', script, repoDir, 'staging', runId], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'exit');
  const died = exited.then(([code]) => {
    throw new Error(`${runId} exited (${String(code)}) before reporting`);
  });
  died.catch(() => undefined); // only awaited through the races below
  const ready = Promise.race([once(lines, 'line').then(() => undefined), died]);
  const outcome = Promise.race([
    new Promise<Outcome>((resolve) =>
      lines.on('line', (line) => {
        if (line.startsWith('{')) resolve(JSON.parse(line) as Outcome);
      }),
    ),
    died,
  ]);
  return { child, ready, outcome, exited };
}
