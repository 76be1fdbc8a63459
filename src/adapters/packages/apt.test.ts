import { describe, expect, it } from 'vitest';
import { apt, aptInstallCommand, dpkgQueryCommand, parseDpkgQuery, parseMadison } from './apt.js';

const out = (stdout: string, stderr = '', code = 0) => ({ stdout, stderr, code });

describe('apt commands', () => {
  it('Given names, When reading, Then dpkg-query prints name, version and status per package', () => {
    expect(dpkgQueryCommand(['demo', 'curl']).argv).toEqual([
      'dpkg-query',
      '-W',
      '-f=${Package}\\t${Version}\\t${db:Status-Abbrev}\\n',
      'demo',
      'curl',
    ]);
  });

  it('Given pins, When installing, Then apt-get runs non-interactively through env, downgrades allowed, as root', () => {
    const command = aptInstallCommand({ demo: '1.1', curl: '7.88.1-10' });
    expect(command.privileged).toBe(true);
    expect(command.argv.slice(0, 7)).toEqual([
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      'install',
      '-y',
      '-q',
      '--allow-downgrades',
    ]);
    expect(command.argv).toContain('Dpkg::Options::=--force-confold');
    expect(command.argv.slice(-2)).toEqual(['demo=1.1', 'curl=7.88.1-10']);
  });

  it('Given a Debian pin, When matched, Then only the identical version satisfies it', () => {
    expect(apt.satisfies('1.1', '1.1')).toBe(true);
    expect(apt.satisfies('1.1', '1.1-1')).toBe(false);
    expect(apt.satisfies('1:1.1', '1.1')).toBe(false);
  });
});

describe('parseDpkgQuery', () => {
  it.each([
    ['installed', out('demo\t1.0\tii \n'), { demo: '1.0' }, {}],
    ['held but installed', out('demo\t1.1\thi \n'), { demo: '1.1' }, {}],
    ['removed, config kept', out('demo\t1.0\trc \n'), { demo: null }, {}],
    ['never installed but known', out('demo\t\tun \n'), { demo: null }, {}],
    // An interrupted install leaves the package on disk at its version: known, flagged, never "absent"
    ['unpacked, not configured', out('demo\t1.2\tiU \n'), { demo: '1.2' }, { demo: 'unpacked' }],
    ['half-configured', out('demo\t1.2\tiF \n'), { demo: '1.2' }, { demo: 'half-configured' }],
    ['half-installed, reinstall required', out('demo\t1.2\tiHR\n'), { demo: '1.2' }, { demo: 'half-installed' }],
    ['unknown to dpkg (exit 1)', out('', 'dpkg-query: no packages found matching demo\n', 1), { demo: null }, {}],
  ])('Given %s, When parsed, Then %j', (_, output, versions, unsettled) => {
    expect(parseDpkgQuery(output, ['demo'])).toEqual({ ok: true, value: { versions, unsettled } });
  });

  it('Given one known and one unknown package, When parsed, Then each gets its own answer', () => {
    const output = out('curl\t7.88.1-10\tii \n', 'dpkg-query: no packages found matching demo\n', 1);
    expect(parseDpkgQuery(output, ['curl', 'demo'])).toEqual({
      ok: true,
      value: { versions: { curl: '7.88.1-10', demo: null }, unsettled: {} },
    });
  });

  it("Given a real error, When parsed, Then it fails with dpkg-query's words", () => {
    const result = parseDpkgQuery(out('', 'dpkg-query: error: cannot access archive: Permission denied\n', 2), [
      'demo',
    ]);
    expect(result).toEqual({
      ok: false,
      error: { message: 'dpkg-query failed: dpkg-query: error: cannot access archive: Permission denied' },
    });
  });
});

describe('parseMadison', () => {
  it('Given madison output for two packages, When parsed, Then binary versions are listed per package', () => {
    const output = out(
      [
        '      demo |        2.0 | file:/srv/repo ./ Packages',
        '      demo |        1.1 | file:/srv/repo ./ Packages',
        '      demo |        1.0 | http://deb.example bookworm/main Sources',
        '      curl | 7.88.1-10+deb12u5 | http://deb.debian.org/debian bookworm/main amd64 Packages',
        '',
      ].join('\n'),
    );
    expect(Object.fromEntries(parseMadison(output))).toEqual({ demo: ['2.0', '1.1'], curl: ['7.88.1-10+deb12u5'] });
  });

  it('Given madison knows nothing, When parsed, Then nothing is offered', () => {
    expect(parseMadison(out('', 'N: Unable to locate package nope\n')).size).toBe(0);
  });
});
