import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sshSocketCount } from './socket-count.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function sshConfig(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lt-sockets-'));
  dirs.push(dir);
  await writeFile(join(dir, 'config'), text);
  return join(dir, 'config');
}

const hosts = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-${i + 1}`,
    address: `10.0.0.${i + 1}`,
    group: 'web',
    lbServer: `${prefix}-${i + 1}`,
  }));

describe('sshSocketCount', () => {
  it('Given no ssh config, When counted, Then every host takes a socket', async () => {
    expect(await sshSocketCount(hosts('web', 7), { user: 'root', port: 22 }, { sshConfigPath: '/dev/null' })).toBe(7);
  });

  it('Given hosts behind two jump hosts (one written two ways), When counted, Then each jump host takes one socket and the hosts behind it none', async () => {
    const path = await sshConfig(
      [
        'Host bastion',
        '  HostName 192.0.2.1',
        'Host dc1-*',
        '  ProxyJump bastion',
        'Host dc1-9',
        '  ProxyJump root@192.0.2.1:22',
        'Host dc2-*',
        '  ProxyJump deploy@192.0.2.2:2222',
        '',
      ].join('\n'),
    );
    const fleet = [...hosts('web', 3), ...hosts('dc1', 9), ...hosts('dc2', 4)];
    expect(await sshSocketCount(fleet, { user: 'root', port: 22 }, { sshConfigPath: path })).toBe(3 + 1 + 1);
  });
});
