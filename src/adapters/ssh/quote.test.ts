import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildRemoteCommand, shellQuote } from './quote.js';

/** What a real POSIX shell (as sshd runs one) makes of a command line: its arguments, NUL-separated. */
function argumentsSeenByShell(commandLine: string): string[] {
  const result = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${commandLine}`], { encoding: 'utf8' });
  expect(result.status).toBe(0);
  return result.stdout.split('\0').slice(0, -1);
}

const HOSTILE = [
  'two words',
  "it's",
  "'",
  "''",
  '"double"',
  '$(touch /tmp/pwned)',
  '`id`',
  'a;rm -rf /',
  'line1\nline2',
  '$HOME',
  '*',
  'back\\slash',
  '&& echo hi',
  '| cat',
  '> /tmp/x',
  '~',
  '#comment',
  '',
  '-n',
];

describe('shellQuote', () => {
  it.each(HOSTILE)(
    'Given the hostile argument %j, When quoted, Then the shell sees it unchanged as one argument',
    (arg) => {
      expect(argumentsSeenByShell(shellQuote(['before', arg, 'after']))).toEqual(['before', arg, 'after']);
    },
  );

  it('Given several hostile arguments, When quoted together, Then each one stays a separate argument', () => {
    const args = ["it's", 'a b', '$(x)', '`y`', 'p;q', 'n\nl'];
    expect(argumentsSeenByShell(shellQuote(args))).toEqual(args);
  });

  it('Given plain words, When quoted, Then they stay readable', () => {
    expect(shellQuote(['apt-get', 'install', '-y', 'demo=1.1', '/usr/bin/x'])).toBe(
      'apt-get install -y demo=1.1 /usr/bin/x',
    );
  });

  it('Given a quote inside an argument, When quoted, Then it is closed, escaped and reopened', () => {
    expect(shellQuote(["it's"])).toBe(`'it'\\''s'`);
    expect(shellQuote([''])).toBe(`''`);
  });
});

describe('buildRemoteCommand', () => {
  it('Given a privileged command, When built, Then sudo -n runs it (and its timeout) as root with stdin from /dev/null', () => {
    expect(buildRemoteCommand(['apt-get', 'update'], { asSuperuser: true, killAfterSeconds: 61 })).toBe(
      'sudo -n -- timeout -k 5 61 apt-get update </dev/null',
    );
  });

  it('Given an unprivileged command without a bound, When built, Then it runs as is', () => {
    expect(buildRemoteCommand(['id', '-u'], { asSuperuser: false })).toBe('id -u </dev/null');
  });

  it('Given a hostile argument, When built into a command line, Then sh still sees it as one literal argument', () => {
    const line = buildRemoteCommand(['printf', '%s', "x'; touch /tmp/lt-pwned; '"], {
      asSuperuser: false,
      killAfterSeconds: 5,
    });
    const result = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
    expect(result.stdout).toBe("x'; touch /tmp/lt-pwned; '");
  });
});
