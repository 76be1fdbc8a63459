/**
 * Links between the pages of docs/ (and from the README into them) lead
 * somewhere: the file exists and, for `page.md#anchor`, so does a heading
 * with that GitHub anchor.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCS_DIR, docFiles, readDoc } from './docs-markdown.js';

const ROOT = join(DOCS_DIR, '..');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const inFence = { on: false };
  const found = new Set<string>();
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) inFence.on = !inFence.on;
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (!inFence.on && heading) found.add(anchorOf(heading[1] ?? ''));
  }
  return found;
}

/** Relative links `[text](target)`, outside code spans and fences. */
function links(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z]+:/.test(target));
}

const pages = [
  ...(await docFiles()).map((name) => ({ name: `docs/${name}`, dir: DOCS_DIR, path: join(DOCS_DIR, name) })),
  { name: 'README.md', dir: ROOT, path: join(ROOT, 'README.md') },
];

describe('links in docs/ and the README', () => {
  it('reads anchors as GitHub writes them', () => {
    expect(anchorOf('One host, step by step')).toBe('one-host-step-by-step');
    expect(anchorOf('How batches and maxUnavailable are counted')).toBe('how-batches-and-maxunavailable-are-counted');
  });

  it.each(pages)('$name: every relative link leads to a file, and to a heading there', async ({ dir, path: page }) => {
    const markdown = await readFile(page, 'utf8');
    const broken: string[] = [];
    for (const target of links(markdown)) {
      const [file = '', anchor] = target.split('#');
      const path = file === '' ? page : join(dir, file);
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text === undefined) broken.push(`${target}: no such file`);
      else if (anchor !== undefined && path.endsWith('.md') && !anchors(text).has(anchor))
        broken.push(`${target}: no heading with that anchor`);
    }
    expect(broken).toEqual([]);
  });

  it('finds the links it checks', async () => {
    expect(links(await readDoc('README.md'))).toContain('getting-started.md');
  });
});
