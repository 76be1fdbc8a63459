import { describe, expect, it } from 'vitest';
import { expandHostPattern, MAX_RANGE_HOSTS } from './host-ranges.js';

const hosts = (pattern: string) => {
  const expanded = expandHostPattern(pattern);
  return expanded.ok ? expanded.hosts : undefined;
};

describe('Ansible host ranges', () => {
  it.each([
    ['web-01', ['web-01']],
    ['web[01:03].example.com', ['web01.example.com', 'web02.example.com', 'web03.example.com']],
    ['db-[a:c]', ['db-a', 'db-b', 'db-c']],
    ['n[1:9:4]', ['n1', 'n5', 'n9']],
    ['mail[:2].example.com', ['mail0.example.com', 'mail1.example.com', 'mail2.example.com']],
    ['s[0:100:50]', ['s0', 's50', 's100']],
    ['x[y:B]', ['xy', 'xz', 'xA', 'xB']],
    ['r[1:2]-[a:b]', ['r1-a', 'r1-b', 'r2-a', 'r2-b']],
    ['w[3:1]', []],
  ])('Given %s, When expanded, Then it is what Ansible makes', (pattern, expected) => {
    expect(hosts(pattern)).toEqual(expected);
  });

  it.each(['web[01:x]', 'web[1:]', 'web[1:2', 'web]', 'w[01:100]', 'w[1:5:0]', 'w[1:2:3:4]'])(
    'Given %s, When expanded, Then it is refused with a reason',
    (pattern) => {
      expect(hosts(pattern)).toBeUndefined();
    },
  );

  it('Given a range past the cap, When expanded, Then it is refused before any name is made', () => {
    const result = expandHostPattern('h[0:99999999]');
    expect(result).toEqual({
      ok: false,
      reason: expect.stringContaining(`at most ${MAX_RANGE_HOSTS.toLocaleString('en')}`),
    });
    expect(expandHostPattern('a[0:999]b[0:999]').ok).toBe(false);
  });

  it('Given the cap itself, When expanded, Then every name is made', () => {
    const result = expandHostPattern(`h[1:${MAX_RANGE_HOSTS}]`);
    expect(result.ok && result.hosts.length).toBe(MAX_RANGE_HOSTS);
  });
});
