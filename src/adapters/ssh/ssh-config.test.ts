import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseJumpHost, parseSshConfig, resolveHostConfig } from './ssh-config.js';

const CONFIG = `
# Personal settings
User fallback-user

Host web-01
  HostName 10.9.9.1
  Port 2201
  IdentityFile ~/.ssh/web_key

Host 127.0.1.* !127.0.1.13
  User=deploy
  Port 2222
  ProxyJump jump@bastion:2200,127.0.1.99

Host 127.0.1.13
  ProxyJump none
  IdentityFile "/keys/with space"

Match host *.internal
  User should-not-apply

Host *
  User everyone
  Port 22
  Include other.conf
`;

describe('resolveHostConfig', () => {
  const config = parseSshConfig(CONFIG, '~/.ssh/config');

  it('Given several matching blocks, When resolved, Then the first value of each keyword wins', () => {
    expect(resolveHostConfig(config, ['web-01', '127.0.1.11'])).toEqual({
      hostName: '10.9.9.1',
      user: 'fallback-user',
      port: 2201,
      identityFile: `${homedir()}/.ssh/web_key`,
      proxyJump: [{ host: 'bastion', user: 'jump', port: 2200 }, { host: '127.0.1.99' }],
    });
  });

  it('Given a negated pattern, When the host is excluded, Then its block does not apply', () => {
    expect(resolveHostConfig(config, ['web-03', '127.0.1.13'])).toEqual({
      user: 'fallback-user',
      port: 22,
      proxyJump: [],
      identityFile: '/keys/with space',
    });
  });

  it('Given no Host block matches, When resolved, Then only global and catch-all settings apply', () => {
    const empty = parseSshConfig('Host other\n  User x\n');
    expect(resolveHostConfig(empty, ['web-09', '10.0.0.9'])).toEqual({});
  });

  it('Given Match and Include, When parsed, Then they are skipped with warnings that name the line', () => {
    expect(config.warnings).toEqual([
      '~/.ssh/config:19: Match blocks are not supported; their settings are ignored',
      '~/.ssh/config:25: Include is not followed',
    ]);
    expect(resolveHostConfig(config, ['db.internal']).user).toBe('fallback-user');
  });

  it('Given an unreadable ProxyJump, When resolved, Then it is an error, never a direct connection', () => {
    const broken = parseSshConfig('Host *\n  ProxyJump user@@host\n');
    expect(resolveHostConfig(broken, ['web-01'])).toEqual({
      proxyJumpError: 'ssh config line 2: cannot read ProxyJump "user@@host"',
    });
  });
});

describe('parseJumpHost', () => {
  it.each([
    ['bastion', { host: 'bastion' }],
    ['ops@bastion', { host: 'bastion', user: 'ops' }],
    ['ops@10.0.0.1:2222', { host: '10.0.0.1', user: 'ops', port: 2222 }],
    ['[::1]:2200', { host: '::1', port: 2200 }],
    ['a b', undefined],
  ])('Given %j, When parsed, Then %j', (text, expected) => {
    expect(parseJumpHost(text)).toEqual(expected);
  });
});
