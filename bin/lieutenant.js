#!/usr/bin/env node
// Runs the compiled CLI (`npm run build`: starts in a tenth of a second) when
// it is newer than every source file, otherwise the TypeScript sources through
// tsx — so a checkout never runs stale code, and a fresh clone works with
// `npx lieutenant` after `npm ci`. An installed package has dist/ and no src/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'main.js');
const sources = join(root, 'src');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const useBuilt = existsSync(built) && (!existsSync(sources) || statSync(built).mtimeMs >= newestSource(sources));
let cli;
if (useBuilt) {
  cli = await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: join(root, 'tsconfig.json') }); // not the cwd's (a rollout repo): its jsx setting is what the TUI's .tsx needs
  cli = await import(pathToFileURL(join(sources, 'cli', 'main.ts')).href);
}
// main() runs the command and sets the exit status; importing main.ts alone runs nothing.
await cli.main();
