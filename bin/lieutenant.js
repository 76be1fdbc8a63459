#!/usr/bin/env node
// Runs the compiled CLI when built (npm run build), otherwise the TypeScript
// sources through tsx, so a fresh clone works with `npx lieutenant` after `npm ci`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'main.js');
let cli;
if (existsSync(built)) {
  cli = await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: join(root, 'tsconfig.json') }); // not the cwd's (a rollout repo): its jsx setting is what the TUI's .tsx needs
  cli = await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
}
// main() runs the command and sets the exit status; importing main.ts alone runs nothing.
await cli.main();
