#!/usr/bin/env node
// Runs before `npm test` and `npm run demo`, so the README's quick start works
// on a fresh clone: installs the npm packages from the lockfile when
// node_modules is missing or older than package-lock.json. Plain JavaScript
// on purpose: it must run before TypeScript tooling is installed.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
};
const installed = mtime(join(root, 'node_modules', '.package-lock.json'));
const locked = mtime(join(root, 'package-lock.json'));
if (installed === undefined || (locked !== undefined && locked > installed)) {
  console.error('installing npm packages from package-lock.json (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
