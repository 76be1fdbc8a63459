/**
 * Lieutenant as it ships: `npm run build` compiles to dist/, and bin/lieutenant.js
 * then runs plain JavaScript instead of compiling the sources through tsx at every
 * start. The bench builds its own copy under the bench fleet's dir (inside the
 * repo, so node_modules resolve; never the shared dist/), with package.json
 * beside it as main.ts expects (`../../package.json`).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../test/fleet/paths.js';

const run = promisify(execFile);

/** The compiled CLI entry, or why there is none. */
export async function buildLieutenant(dir: string): Promise<{ entry: string } | { skipped: string }> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await copyFile(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [
    tsc,
    '-p',
    join(REPO_ROOT, 'tsconfig.build.json'),
    '--outDir',
    join(dir, 'dist'),
    '--declaration',
    'false',
    '--sourceMap',
    'false',
  ];
  // tsc emits even when some file has a type error (another engineer's work in progress): judge by the output.
  const failed = await run(process.execPath, args, { cwd: REPO_ROOT }).then(
    () => undefined,
    (error: { stdout?: string }) => (error.stdout ?? '').trim().split('\n').slice(0, 3).join(' / '),
  );
  const entry = join(dir, 'dist', 'cli', 'main.js');
  if (!existsSync(entry)) return { skipped: `could not compile: ${failed ?? 'no dist/cli/main.js'}` };
  return { entry };
}
