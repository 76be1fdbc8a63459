/**
 * `.lieutenant/` holding what Lieutenant never wrote: every command that
 * reads it exits 2, naming the path and the fix, before it reaches any host.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixtureFiles, makeSpecRepo, type SpecRepo } from '../spec/testing/spec-repo.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';

let repo: SpecRepo;
beforeAll(async () => {
  const files = await fixtureFiles('example');
  // Addresses nobody answers on: a command that got as far as the fleet would say so, not exit with our message.
  files['inventories/staging.yaml'] = (files['inventories/staging.yaml'] ?? '').replaceAll('127.0.1.', '127.0.25.');
  repo = await makeSpecRepo();
  await repo.commit(files);
});
afterAll(() => repo.remove());
beforeEach(() => rm(join(repo.dir, '.lieutenant'), { recursive: true, force: true }));

const state = (...parts: string[]) => join(repo.dir, '.lieutenant', ...parts);
const COMMANDS = [['run', 'web', '--yes'], ['resume'], ['status'], ['history'], ['approve']];

async function expectRefused(argv: string[], message: string): Promise<void> {
  const io = captureIo();
  const code = await runCli([...argv, '--repo', repo.dir], io);
  expect({ argv, code }).toEqual({ argv, code: 2 });
  expect(io.err()).toContain(message);
  expect(io.err()).not.toMatch(/internal error|\n\s+at /);
}

describe('odd state on disk', () => {
  it('given .lieutenant being a file, when any command runs, then it exits 2 naming it', async () => {
    await writeFile(state(), 'x');
    for (const argv of COMMANDS) await expectRefused(argv, `${state()} is a file, not the directory`);
  });

  it.each(['runs', 'locks'])(
    'given .lieutenant/%s being a file, when any command runs, then it exits 2',
    async (name) => {
      await mkdir(state(), { recursive: true });
      await writeFile(state(name), 'x');
      for (const argv of COMMANDS) await expectRefused(argv, `${state(name)} is a file, not a directory`);
    },
  );

  it('given a lock path that is a directory, when run and status, then they exit 2 naming it', async () => {
    await mkdir(state('locks', 'staging.lock'), { recursive: true });
    for (const argv of [COMMANDS[0] ?? [], ['status']])
      await expectRefused(
        argv,
        `the lock file ${state('locks', 'staging.lock')} is not a lock Lieutenant wrote (it is a directory)`,
      );
  });

  it('given a lock file of garbage fields, when run and status, then both refuse alike: status never says "lock: free"', async () => {
    await mkdir(state('locks'), { recursive: true });
    await writeFile(state('locks', 'staging.lock'), JSON.stringify({ pid: 0, user: '', host: 'x', since: 'no' }));
    for (const argv of [COMMANDS[0] ?? [], ['status']])
      await expectRefused(
        argv,
        `the lock file ${state('locks', 'staging.lock')} is not a lock Lieutenant wrote (pid: not a process id)`,
      );
  });

  it('given a journal that is a FIFO or a directory, when resume, run, status and history, then they exit 2 (never hang)', async () => {
    await mkdir(state('runs'), { recursive: true });
    execFileSync('mkfifo', [state('runs', '20261122T130501Z-web-3f2a.jsonl')]);
    for (const argv of COMMANDS.slice(0, 4)) await expectRefused(argv, 'is a FIFO, not a file Lieutenant wrote');
    await rm(state('runs'), { recursive: true });
    await mkdir(state('runs', '20261122T130501Z-web-3f2a.jsonl'), { recursive: true });
    for (const argv of COMMANDS.slice(0, 4)) await expectRefused(argv, 'is a directory, not a file Lieutenant wrote');
  });
});
