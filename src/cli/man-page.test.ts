/**
 * man/lieutenant.1 is what `npm run man` makes from the program's help today,
 * and groff reads it without a warning.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { manPage } from './man-page.js';

const root = new URL('../../', import.meta.url);
const page = fileURLToPath(new URL('man/lieutenant.1', root));
const { version } = JSON.parse(await readFile(new URL('package.json', root), 'utf8')) as { version: string };

describe('the man page', () => {
  it('is the help of today (npm run man regenerates it)', async () => {
    expect(await readFile(page, 'utf8'), 'man/lieutenant.1 is stale: run npm run man').toBe(manPage(version));
  });

  it('renders in groff without a warning, with every command, flag, variable and exit code', async () => {
    // When groff formats it as man does (warnings on)
    const { stdout, stderr } = await promisify(execFile)('groff', ['-man', '-Tutf8', '-ww', '-P-cbou', page], {
      env: { ...process.env, MANWIDTH: '80' },
    });
    // Then it says nothing but the page, and the page has what help has
    expect(stderr).toBe('');
    const text = stdout.replace(/\u2010\n\s*/g, '');
    for (const command of ['init', 'import ansible', 'validate', 'run PLAYBOOK', 'status [ENV]', 'completion SHELL'])
      expect(text).toContain(`lieutenant ${command}`);
    expect(text).toMatch(/--rev <rev>\s+the revision to run \(default: HEAD\)/);
    expect(text).toMatch(/LIEUTENANT_REPO\s+sets --repo \(every command\)/);
    expect(text).toMatch(/NO_COLOR/);
    expect(text).toMatch(/^EXIT STATUS\n\s+0\s+done/m);
    expect(text).toMatch(/^\s+70\s+a bug in Lieutenant/m);
    expect(text).toContain('lieutenant run web --yes --json');
  });
});
