#!/usr/bin/env node
// Runs the compiled CLI when dist/ is fresh, otherwise the TypeScript sources
// through tsx (see cli-entry.js): a fresh clone works with `npx lieutenant`
// after `npm ci`, and `npm run build` makes it start faster.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cliEntry } from './cli-entry.js';

// ExitCode.badInput (src/core/exit-codes.ts): the CLI did not load, so neither did its table.
const BAD_INPUT = 2;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = cliEntry(root);
if (!entry.built) {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: join(root, 'tsconfig.json') }); // not the cwd's (a rollout repo): its jsx setting is what the TUI's .tsx needs
}
let cli;
try {
  cli = await import(pathToFileURL(entry.path).href);
} catch (error) {
  // Loading opens about a hundred files at once: below that, say which limit to raise rather than crash.
  if (error?.code !== 'EMFILE') throw error;
  process.stderr.write(
    'lieutenant: too many open files while starting (the limit is ulimit -n); raise it, e.g. ulimit -n 1024, and run again\n',
  );
  process.exit(BAD_INPUT);
}
// main() runs the command and sets the exit status; importing main.ts alone runs nothing.
await cli.main();
