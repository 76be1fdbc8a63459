import { describe, expect, it } from 'vitest';
import { addressAlternation, escapeRegex, queryTemplateUses, renderQuery } from './query-templates.js';

const context = { addresses: ['127.0.1.11', '127.0.1.12'], hosts: ['web-01', 'web.02'], group: 'web' };

describe('Prometheus query templates', () => {
  it('Given {{batch.addresses}} in a double-quoted matcher, then a regex alternation of the addresses, dots escaped for the regex and the string', () => {
    const query = 'sum(rate(x{instance=~"{{batch.addresses}}"}[30s]))';
    expect(renderQuery(query, context)).toBe(
      String.raw`sum(rate(x{instance=~"(?:127\\.0\\.1\\.11|127\\.0\\.1\\.12)(?::[0-9]+)?"}[30s]))`,
    );
  });

  it('Given a raw `…` string, then the regex escaping alone (a backslash stays one)', () => {
    expect(renderQuery('x{host=~`{{batch.hosts}}`}', context)).toBe(String.raw`x{host=~` + '`(?:web-01|web\\.02)`}');
  });

  it('Given {{group}} and spaces inside the braces, then the group name', () => {
    expect(renderQuery("x{group='{{ group }}'}", context)).toBe("x{group='web'}");
  });

  it('Given a quote before a template inside an earlier string, then the quoting is tracked across strings and escapes', () => {
    const query = String.raw`label_replace(x, "a", "\"b", "", "") + y{i=~"{{batch.addresses}}"}`;
    expect(renderQuery(query, context)).toContain(String.raw`y{i=~"(?:127\\.0\\.1\\.11|`);
  });

  it('Given the rendered alternation, when used as Prometheus uses it (fully anchored), then it matches an address alone or with a port, and nothing else', () => {
    const regex = new RegExp(`^(?:${addressAlternation(context.addresses)})$`);
    expect(['127.0.1.11', '127.0.1.12:8080'].map((s) => regex.test(s))).toEqual([true, true]);
    expect(['127.0.1.13', '127x0x1x11', '127.0.1.111', '127.0.1.11:80x'].map((s) => regex.test(s))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('Given every regex metacharacter, when escaped, then each matches only itself', () => {
    const hostile = String.raw`a.b+c*d?e(f)g|h[i]j{k}l^m$n\o`;
    expect(new RegExp(`^${escapeRegex(hostile)}$`).test(hostile)).toBe(true);
    expect(new RegExp(`^${escapeRegex(hostile)}$`).test(hostile.replace('.', 'x'))).toBe(false);
  });

  it('Given a template it does not know, then it is reported as such (validation refuses it)', () => {
    expect(queryTemplateUses('x{a="{{batch.address}}", b="{{group}}"}').map((u) => u.reference)).toEqual([
      undefined,
      'group',
    ]);
  });
});
