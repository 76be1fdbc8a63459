/**
 * Comments stand on their own: a reader of this repository cannot open an
 * issue tracker entry or a guide kept outside it, so no source file cites
 * one. Say the reason instead, or point at docs/.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['src', 'test', 'bench', 'bin', 'scripts'];
const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;
// Spelled in pieces so that this file does not cite what it forbids.
const OUTSIDE = new RegExp(['\\bissues?\\s*#?\\d+', 'STYLE' + '\\.md', 'PRODUCT' + '\\.md'].join('|'), 'i');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
      return SOURCE.test(entry.name) ? [path] : [];
    }),
  );
  return nested.flat();
}

describe('source comments', () => {
  it('given every source file, then none cites an issue number or a guide outside the repository', async () => {
    const files = (await Promise.all(FOLDERS.map((folder) => sourceFiles(join(ROOT, folder))))).flat();
    expect(files.length).toBeGreaterThan(100);
    const citing: string[] = [];
    for (const file of files) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (OUTSIDE.test(line)) citing.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(citing).toEqual([]);
  });
});
