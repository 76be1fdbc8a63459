// bin/lieutenant.js runs dist/ only when it is newer than every source file:
// a checkout never runs stale compiled code, and an installed package (no src/) runs dist/.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliEntry } from '../../bin/cli-entry.js';

let root: string;
const file = async (path: string, secondsAgo: number) => {
  const full = join(root, path);
  await mkdir(join(full, '..'), { recursive: true });
  await writeFile(full, '');
  const at = new Date(Date.now() - secondsAgo * 1000);
  await utimes(full, at, at);
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lieutenant-bin-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('cliEntry', () => {
  it('runs the sources when nothing is built', async () => {
    await file('src/cli/main.ts', 10);
    expect(cliEntry(root)).toEqual({ built: false, path: join(root, 'src/cli/main.ts') });
  });

  it('runs dist/ when it is newer than every source file', async () => {
    await file('src/cli/main.ts', 100);
    await file('src/engine/deep/nested.ts', 50);
    await file('dist/cli/main.js', 10);
    expect(cliEntry(root)).toEqual({ built: true, path: join(root, 'dist/cli/main.js') });
  });

  it('runs the sources when any source file, however deep, changed after the build', async () => {
    await file('src/cli/main.ts', 100);
    await file('dist/cli/main.js', 50);
    await file('src/engine/deep/nested.ts', 10);
    expect(cliEntry(root).built).toBe(false);
  });

  it('runs dist/ in an installed package, which has no src/', async () => {
    await file('dist/cli/main.js', 10);
    expect(cliEntry(root).built).toBe(true);
  });
});
