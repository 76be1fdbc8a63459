import { describe, expect, it } from 'vitest';
import { expandHostPattern } from './ansible-model.js';

describe('Ansible host patterns', () => {
  it.each([
    ['web-01', ['web-01']],
    ['web[01:03].example.com', ['web01.example.com', 'web02.example.com', 'web03.example.com']],
    ['db-[a:c]', ['db-a', 'db-b', 'db-c']],
    ['n[1:9:4]', ['n1', 'n5', 'n9']],
    ['r[1:2]-[a:b]', ['r1-a', 'r1-b', 'r2-a', 'r2-b']],
  ])('%s expands as Ansible does', (pattern, hosts) => {
    expect(expandHostPattern(pattern)).toEqual(hosts);
  });

  it.each(['web[01:x]', 'web[3:1]', 'web[1:2', 'web]'])('%s is refused', (pattern) => {
    expect(expandHostPattern(pattern)).toBeUndefined();
  });
});
