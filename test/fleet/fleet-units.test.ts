import { describe, expect, it } from 'vitest';
import { parseShowStat } from './haproxy.js';
import { isFleetCommand } from './processes.js';

describe('parseShowStat', () => {
  it('keys each line by the header columns, quoted commas included', () => {
    // Given a show stat answer with a quoted field holding a comma
    const csv =
      '# pxname,svname,status,check_desc\nweb,FRONTEND,OPEN,\napp,web-01,UP,"Layer7, passed"\napp,web-02,DRAIN,\n\n';
    // When parsed
    const rows = parseShowStat(csv);
    // Then every row is a record by column name
    expect(rows).toEqual([
      { pxname: 'web', svname: 'FRONTEND', status: 'OPEN', check_desc: '' },
      { pxname: 'app', svname: 'web-01', status: 'UP', check_desc: 'Layer7, passed' },
      { pxname: 'app', svname: 'web-02', status: 'DRAIN', check_desc: '' },
    ]);
  });

  it('refuses an answer that is not show stat', () => {
    expect(() => parseShowStat('Unknown command\n')).toThrow(/not a show stat answer/);
  });
});

describe('isFleetCommand', () => {
  const dir = '/repo/.fleet';

  it("claims the fleet's own sshd, service, host init and haproxy", () => {
    expect(
      isFleetCommand(['sshd:', '/usr/sbin/sshd', '-D', '-f', `${dir}/hosts/web-01/sshd_config`, '[listener]'], dir),
    ).toBe(true);
    expect(
      isFleetCommand(['/usr/bin/node', '/repo/test/fleet/service.js', '127.0.1.11', `${dir}/hosts/web-01`], dir),
    ).toBe(true);
    expect(isFleetCommand(['/bin/sh', '/repo/test/fleet/host-init.sh', `${dir}/hosts/web-01`, 'web-01'], dir)).toBe(
      true,
    );
    expect(isFleetCommand(['/usr/sbin/haproxy', '-f', `${dir}/haproxy.cfg`, '-db'], dir)).toBe(true);
  });

  it('never claims a fleet in a subdirectory, or other programs naming the dir', () => {
    // The default fleet lives in .fleet; the e2e one in .fleet/e2e: `down` of one must spare the other.
    expect(isFleetCommand(['/usr/sbin/haproxy', '-f', `${dir}/e2e/haproxy.cfg`], dir)).toBe(false);
    expect(isFleetCommand(['sshd:', '/usr/sbin/sshd', '-f', `${dir}/e2e/hosts/web-01/sshd_config`], dir)).toBe(false);
    expect(isFleetCommand(['vim', `${dir}/haproxy.cfg`], dir)).toBe(false);
    expect(isFleetCommand(['node', 'tsx', 'test/fleet/cli.ts', 'down', '--dir', dir], dir)).toBe(false);
  });
});
