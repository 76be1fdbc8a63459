import { describe, expect, it } from 'vitest';
import { exampleRepos, markedTable, outputExamples, parseMarkerWords, unmarkedYamlFences } from './docs-markdown.js';

const PAGE = [
  '# A page',
  '',
  '<!-- example: playbooks/web.yaml -->',
  '```yaml',
  'rollout: web',
  '```',
  '',
  '<!-- example: playbooks/web.yaml repo=broken base=main invalid -->',
  '',
  '```yaml',
  'rollout: 1',
  '```',
  '',
  '```yaml',
  'not: marked',
  '```',
  '',
  '<!-- output: repo=broken subject="Break it" exit=2 -->',
  '```',
  '$ lieutenant validate --rev HEAD',
  'playbooks/web.yaml:1:10: bad',
  '1 problem found',
  '```',
  '',
  '<!-- keys: inventory ssh -->',
  '| key | default |',
  '|---|---|',
  '| `ssh.port` | `22` |',
  '| `ssh.user` | `root` |',
  '',
].join('\n');

describe('reading the marked parts of a docs page', () => {
  it('splits a marker into words and key=value pairs, quoted values whole', () => {
    expect(parseMarkerWords('inventories/a.yaml repo=x subject="Release demo 1.1" invalid')).toEqual({
      args: ['inventories/a.yaml', 'invalid'],
      attrs: { repo: 'x', subject: 'Release demo 1.1' },
    });
  });

  it('collects examples into repos, a based repo starting from a copy of its base', () => {
    const repos = exampleRepos(PAGE);
    expect(repos.get('main')).toEqual({ files: { 'playbooks/web.yaml': 'rollout: web\n' }, invalid: false });
    expect(repos.get('broken')).toEqual({ files: { 'playbooks/web.yaml': 'rollout: 1\n' }, invalid: true });
  });

  it('reads an output block: its command, its output and its exit status', () => {
    expect(outputExamples(PAGE)).toEqual([
      {
        line: 18,
        repo: 'broken',
        subject: 'Break it',
        exit: 2,
        argv: ['validate', '--rev', 'HEAD'],
        expected: 'playbooks/web.yaml:1:10: bad\n1 problem found\n',
      },
    ]);
  });

  it('reads the rows of a marked table', () => {
    expect(markedTable(PAGE, 'keys', ['inventory', 'ssh']).rows).toEqual([
      ['`ssh.port`', '`22`'],
      ['`ssh.user`', '`root`'],
    ]);
  });

  it('finds yaml fences nobody marked', () => {
    expect(unmarkedYamlFences(PAGE)).toEqual([14]);
  });

  it.each([
    ['a marker without a fence', '<!-- example: a.yaml -->\ntext\n', /must be followed by a fenced block/],
    ['a base defined nowhere', '<!-- example: a.yaml repo=b base=c -->\n```yaml\nx: 1\n```\n', /base=c is not/],
    ['a fence never closed', '<!-- example: a.yaml -->\n```yaml\nx: 1\n', /never closed/],
  ])('refuses %s, naming the line', (_name, markdown, message) => {
    expect(() => exampleRepos(markdown, 'page.md')).toThrow(message);
  });

  it('refuses a table marker with no table, or two of them', () => {
    expect(() => markedTable('<!-- commands -->\ntext\n', 'commands')).toThrow(/must be followed by a table/);
    expect(() => markedTable('<!-- commands -->\n<!-- commands -->\n', 'commands')).toThrow(/found 2/);
  });
});
