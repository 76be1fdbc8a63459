import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureFiles, makeSpecRepo, type SpecRepo } from '../spec/testing/spec-repo.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';

describe('lieutenant diff (a real repository, two commits)', () => {
  let repo: SpecRepo;
  let example: Record<string, string>;
  let before: string;
  let after: string;
  beforeEach(async () => {
    repo = await makeSpecRepo();
    example = await fixtureFiles('example');
    before = await repo.commit(example, 'specs');
    const web = example['playbooks/web.yaml'] ?? '';
    // A subject no reviewer should see as markup: a pipe, a tag, a terminal escape.
    after = await repo.commit(
      { 'playbooks/web.yaml': web.replace('demo: "1.1"', 'demo: "2.0"\n      demo-addon: "1.0"') },
      'Release demo 2.0 | <b>bold</b> \u001b[31m',
    );
  });
  afterEach(() => repo.remove());

  const diff = async (...args: string[]) => {
    const io = captureIo();
    const code = await runCli(['diff', ...args, '--repo', repo.dir], io);
    return { code, out: io.out(), err: io.err() };
  };

  it('given a version bump and an added package, when diffed as text, then each change is one line per group', async () => {
    const { code, out, err } = await diff(before, after);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.split('\n')[0]).toBe(
      `Versions from ${before.slice(0, 7)} to ${after.slice(0, 7)} "Release demo 2.0 | <b>bold</b> \\x1b[31m"`,
    );
    expect(out.split('\n').slice(2)).toEqual([
      'web on staging',
      '  web  demo 1.1 → 2.0',
      '  web  demo-addon (none) → 1.0',
      '',
    ]);
  });

  it('given the same commits, when diffed as markdown, then it is a table with every value escaped (golden)', async () => {
    const { code, out } = await diff(before, after, '--format', 'markdown');
    expect(code).toBe(0);
    expect(out.replaceAll(before.slice(0, 7), 'BEFORE').replaceAll(after.slice(0, 7), 'AFTER')).toBe(
      [
        '### Version changes <code>BEFORE</code> → <code>AFTER</code> Release demo 2.0 \\| \\<b\\>bold\\</b\\> \\\\x1b\\[31m',
        '',
        '| rollout | environment | group | package | from | to |',
        '|---|---|---|---|---|---|',
        '| web | staging | web | <code>demo</code> | 1.1 | 2.0 |',
        '| web | staging | web | <code>demo-addon</code> | \\(none\\) | 1.0 |',
        '',
      ].join('\n'),
    );
  });

  it('given TO left out, when diffed as JSON, then it compares against HEAD and carries both commits', async () => {
    const { code, out } = await diff(before, '--format', 'json');
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { type: string; from: { sha: string }; to: { sha: string; subject: string } };
    expect(parsed).toMatchObject({ type: 'diff', from: { sha: before }, to: { sha: after } });
    expect(parsed.to.subject).toContain('Release demo 2.0');
  });

  it('given a revision that does not exist, when diffed, then exit 2 names it and nothing is printed to stdout', async () => {
    const { code, out, err } = await diff('no-such-branch');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('no-such-branch');
  });
});
