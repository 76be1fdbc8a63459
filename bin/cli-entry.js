// Which CLI bin/lieutenant.js runs: the compiled dist/ (`npm run build`: starts
// in a tenth of a second) when it is newer than every source file, otherwise
// the TypeScript sources through tsx — so a checkout never runs stale code.
// An installed package has dist/ and no src/. The bench names the same choice.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `{ built: true, path: dist/cli/main.js }` or `{ built: false, path: src/cli/main.ts }`, for the package at `root`. */
export function cliEntry(root) {
  const built = join(root, 'dist', 'cli', 'main.js');
  const sources = join(root, 'src');
  const fresh = existsSync(built) && (!existsSync(sources) || statSync(built).mtimeMs >= newestSource(sources));
  return fresh ? { built: true, path: built } : { built: false, path: join(sources, 'cli', 'main.ts') };
}
