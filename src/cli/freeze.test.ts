/**
 * Freeze windows at the command line, without a fleet: inside a window `run`
 * refuses before it locks, journals or connects to anything (exit 5); an
 * override needs a reason and gets past the freeze (then fails to reach the
 * hosts — nothing listens on their addresses — which proves it went on).
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureFiles, makeSpecRepo, type SpecRepo } from '../spec/testing/spec-repo.js';
import { ExitCode } from '../core/exit-codes.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';

const INV = 'inventories/staging.yaml';
const repos: SpecRepo[] = [];
let frozen: SpecRepo;
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.remove()));
});

beforeAll(async () => {
  // Given the example repo, its hosts on addresses where nothing listens, and a window open from yesterday to tomorrow
  const example = await fixtureFiles('example');
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const inventory = (example[INV] ?? '').replaceAll('127.0.1.', '127.0.28.2');
  frozen = await makeSpecRepo();
  repos.push(frozen);
  await frozen.commit({
    ...example,
    [INV]: `${inventory}freeze:\n  - reason: launch week\n    from: "${day(-1)}"\n    to: "${day(1)}"\n    timeZone: Pacific/Auckland\n`,
  });
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('run inside a freeze window', () => {
  it('is refused with exit 5, the window and its reason, before anything is locked, journaled or connected', async () => {
    const io = captureIo();
    expect(await runCli(['run', 'web', '--yes'], io, { cwd: frozen.dir })).toBe(ExitCode.frozen);
    expect(io.err()).toMatch(
      /^a rollback to the deployed commit may start inside it .*\nto start anyway, say why: --override-freeze --reason TEXT .*\nlieutenant: staging is frozen until \w{3} \d{4}-\d\d-\d\d 00:00 Pacific\/Auckland \(\d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d Pacific\/Auckland\): launch week; nothing was changed\n$/,
    );
    expect(io.out()).toBe('');
    expect(await exists(join(frozen.dir, '.lieutenant/runs'))).toBe(false);
  });

  it('with --override-freeze --reason, goes past the freeze and says who overrode it and why', async () => {
    const io = captureIo();
    const code = await runCli(['run', 'web', '--yes', '--override-freeze', '--reason', 'hotfix'], io, {
      cwd: frozen.dir,
    });
    expect(io.err()).toContain('warning: inside the freeze window');
    expect(io.err()).toMatch(/\(launch week\): freeze overridden by .+: hotfix\n/);
    // The hosts cannot be reached: the run got as far as reading the fleet
    expect(io.err()).toContain('cannot read the fleet of staging');
    expect(code).toBe(ExitCode.badInput);
  });

  it.each([
    [['--override-freeze'], '--override-freeze needs --reason TEXT'],
    [['--override-freeze', '--reason', '  '], '--override-freeze needs --reason TEXT'],
    [['--reason', 'why'], '--reason goes with --override-freeze'],
  ])('%j is bad input (exit 2)', async (flags, message) => {
    const io = captureIo();
    expect(await runCli(['run', 'web', ...flags], io, { cwd: frozen.dir })).toBe(ExitCode.badInput);
    expect(io.err()).toContain(message);
  });
});
