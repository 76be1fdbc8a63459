import { describe, expect, it } from 'vitest';
import { dnf, dnfInstallCommand, dnfListCommand, parseDnfList, yum, yumInstallCommands } from './dnf.js';
import { parseEvr, parseRpmQuery, rpmPinMatches, rpmQueryCommand } from './rpm.js';
import { parseZypperSearch, zypper, zypperInstallCommand, zypperSearchCommand } from './zypper.js';

const out = (stdout: string, stderr = '', code = 0) => ({ stdout, stderr, code });

describe('rpm pins and EVRs', () => {
  it.each([
    ['1.1', '1.1-3.el9', true],
    ['1.1', '1.1-4', true],
    ['1.1', '1.10-1', false],
    ['1.1-3', '1.1-3', true],
    ['1.1-3', '1.1-3.el9', false],
    ['1.1', '2:1.1-3', false],
    ['2:1.1', '2:1.1-3', true],
    ['0:1.1', '1.1-3', true],
  ])('Given pin %s and version %s, When matched, Then %s', (pin, version, expected) => {
    expect(rpmPinMatches(pin, version)).toBe(expected);
  });

  it('Given an EVR, When split, Then epoch, version and release come apart at the first colon and last dash', () => {
    expect(parseEvr('3:1.2.3-4.el9_2')).toEqual({ epoch: 3, version: '1.2.3', release: '4.el9_2' });
    expect(parseEvr('1.1')).toEqual({ epoch: 0, version: '1.1', release: undefined });
  });
});

describe('rpm -q', () => {
  it('Given names, When reading, Then rpm prints name and full EVR', () => {
    expect(rpmQueryCommand(['demo']).argv).toEqual([
      'rpm',
      '-q',
      '--qf',
      '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n',
      'demo',
    ]);
  });

  it('Given one installed and one missing package (exit 1), When parsed, Then zero epochs are dropped and the missing one is null', () => {
    const output = out('demo\t0:1.1-3.el9\npackage nope is not installed\ncurl\t2:7.76-1\n', '', 1);
    expect(parseRpmQuery(output, ['demo', 'nope', 'curl'])).toEqual({
      ok: true,
      value: { versions: { demo: '1.1-3.el9', nope: null, curl: '2:7.76-1' }, unsettled: {} },
    });
  });

  it('Given rpm cannot run, When parsed, Then it fails', () => {
    expect(parseRpmQuery(out('', 'error: rpmdb open failed\n', 1), ['demo']).ok).toBe(false);
  });
});

describe('dnf and yum', () => {
  it('Given a second look, When listing with dnf, Then metadata is refreshed by --refresh', () => {
    expect(dnfListCommand('dnf', ['demo'], false).argv).toEqual([
      'dnf',
      'list',
      '--showduplicates',
      '-q',
      '--setopt=exit_on_lock=True',
      'demo',
    ]);
    expect(dnfListCommand('dnf', ['demo'], true).argv).toEqual([
      'dnf',
      'list',
      '--showduplicates',
      '-q',
      '--setopt=exit_on_lock=True',
      '--refresh',
      'demo',
    ]);
    expect(dnf.refresh).toBeUndefined();
  });

  it('Given dnf list output with headers and a wrapped long name, When parsed, Then every name gets its EVRs', () => {
    const output = out(
      [
        'Installed Packages',
        'demo.x86_64                          1.0-1.el9                 @demo-repo',
        'Available Packages',
        'demo.x86_64                          1.0-1.el9                 demo-repo',
        'demo.x86_64                          1.1-3.el9                 demo-repo',
        'demo.x86_64                          2:2.0-1.el9               demo-repo',
        'a-really-long-package-name-that-wraps.noarch',
        '                                     4.5-6.el9                 appstream',
      ].join('\n'),
    );
    expect(Object.fromEntries(parseDnfList(output))).toEqual({
      demo: ['1.0-1.el9', '1.1-3.el9', '2:2.0-1.el9'],
      'a-really-long-package-name-that-wraps': ['4.5-6.el9'],
    });
  });

  it('Given pins, When installing with dnf, Then one install of name-epoch:version does upgrades and downgrades, failing at once on a held lock', () => {
    expect(dnfInstallCommand({ demo: '1.1', curl: '2:7.76-1' })).toEqual({
      argv: ['dnf', 'install', '-y', '--setopt=exit_on_lock=True', 'demo-0:1.1', 'curl-2:7.76-1'],
      privileged: true,
    });
  });

  it('Given one upgrade, one downgrade and one new package, When installing with yum, Then downgrades go through yum downgrade', () => {
    const commands = yumInstallCommands(
      { up: '1.1', down: '1.0', fresh: '3.0' },
      { up: '1.0-1', down: '1.1-1', fresh: null },
    );
    expect(commands).toEqual([
      { argv: ['yum', 'install', '-y', '--setopt=exit_on_lock=True', 'up-0:1.1', 'fresh-0:3.0'], privileged: true },
      { argv: ['yum', 'downgrade', '-y', '--setopt=exit_on_lock=True', 'down-0:1.0'], privileged: true },
    ]);
  });
});

describe('zypper', () => {
  it('Given names, When searching, Then only exact package matches are listed, without refreshing', () => {
    expect(zypperSearchCommand(['demo']).argv).toEqual([
      'zypper',
      '--non-interactive',
      '--no-refresh',
      'search',
      '-s',
      '--match-exact',
      '-t',
      'package',
      'demo',
    ]);
    expect(zypper.refresh?.argv).toEqual(['zypper', '--non-interactive', 'refresh']);
  });

  it('Given a search table, When parsed, Then versions are read from the Version column', () => {
    const output = out(
      [
        'Loading repository data...',
        'Reading installed packages...',
        '',
        'S  | Name | Type       | Version   | Arch   | Repository',
        '---+------+------------+-----------+--------+-----------',
        'i+ | demo | package    | 1.0-1.1   | x86_64 | demo',
        'v  | demo | package    | 1.1-3.1   | x86_64 | demo',
        '   | demo | srcpackage | 1.1-3.1   | noarch | demo-src',
      ].join('\n'),
    );
    expect(Object.fromEntries(parseZypperSearch(output))).toEqual({ demo: ['1.0-1.1', '1.1-3.1'] });
  });

  it('Given pins, When installing, Then --oldpackage allows going down', () => {
    expect(zypperInstallCommand({ demo: '1.0' })).toEqual({
      argv: ['zypper', '--non-interactive', 'install', '--oldpackage', 'demo=1.0'],
      privileged: true,
    });
  });
});

describe('removing (a rollback of a newly installed package)', () => {
  it.each([dnf, yum, zypper])(
    'Given $kind, When removing, Then rpm -e takes exactly the named packages, as root, and refuses if something depends on them',
    (definition) => {
      expect(definition.removeCommand(['demo-addon', 'demo-extra'])).toEqual({
        argv: ['rpm', '-e', 'demo-addon', 'demo-extra'],
        privileged: true,
      });
    },
  );
});
