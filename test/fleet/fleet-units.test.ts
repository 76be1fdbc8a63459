import { describe, expect, it } from 'vitest';
import { parseShowStat } from './haproxy.js';
import { isFleetCommand } from './processes.js';
import { hostAddress, maxHosts } from './paths.js';
import { parse } from 'yaml';
import { inventoryYaml } from './inventory.js';
import { rpmEvr, rpmSources } from './rpm-repo.js';

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

describe('inventoryYaml', () => {
  const params = {
    environment: 'staging',
    identityFile: '/f/id_ed25519',
    knownHosts: '/f/known_hosts',
    socket: '/f/haproxy.sock',
    backend: 'app',
  };

  it('Given Debian, dnf and zypper hosts, When written, Then each kind is its own group with its package manager, all behind load balancer edge', () => {
    // Given
    const hosts = [
      { name: 'web-01', address: '127.0.1.11', packageManager: 'apt' as const },
      { name: 'fedora-01', address: '127.0.1.12', packageManager: 'dnf' as const },
      { name: 'suse-01', address: '127.0.1.13', packageManager: 'zypper' as const },
    ];
    // When
    const inventory = parse(inventoryYaml({ ...params, hosts })) as {
      groups: Record<string, { packageManager: string; loadBalancer: string; hosts: Record<string, unknown> }>;
    };
    // Then
    expect(
      Object.entries(inventory.groups).map(([name, group]) => [
        name,
        group.packageManager,
        group.loadBalancer,
        Object.keys(group.hosts),
      ]),
    ).toEqual([
      ['web', 'apt', 'edge', ['web-01']],
      ['fedora', 'dnf', 'edge', ['fedora-01']],
      ['suse', 'zypper', 'edge', ['suse-01']],
    ]);
  });

  it('Given hosts from a state written before RPM hosts (no packageManager), When written, Then they are the apt group web', () => {
    const inventory = parse(inventoryYaml({ ...params, hosts: [{ name: 'web-01', address: '127.0.1.11' }] })) as {
      groups: Record<string, { packageManager: string }>;
    };
    expect(Object.entries(inventory.groups).map(([name, group]) => [name, group.packageManager])).toEqual([
      ['web', 'apt'],
    ]);
  });
});

describe('rpmSources', () => {
  it('Given the RPM repository, When listed, Then it has every demo version as release 1, the broken one marked, 2.0-3, 1:2.0-3 and the add-on', () => {
    expect(rpmSources().map((source) => `${source.name} ${rpmEvr(source)}${source.broken ? ' broken' : ''}`)).toEqual([
      'demo 1.0-1',
      'demo 1.1-1',
      'demo 1.2-1 broken',
      'demo 2.0-1',
      'demo 2.0-3',
      'demo 1:2.0-3',
      'demo-addon 1.0-1',
    ]);
  });
});

describe('host addresses of a large fleet', () => {
  it('Given prefix 127.0.24, When numbering 300 hosts, Then the first 239 fill 127.0.24.11–.249 and the rest go on in 127.100.24.11…', () => {
    expect([1, 239, 240, 300].map((i) => hostAddress('127.0.24', i))).toEqual([
      '127.0.24.11',
      '127.0.24.249',
      '127.100.24.11',
      '127.100.24.71',
    ]);
    const all = Array.from({ length: maxHosts('127.0.24') }, (_, i) => hostAddress('127.0.24', i + 1));
    expect(new Set(all).size).toBe(717);
  });

  it('Given a prefix whose second octet leaves no room above it, When asked, Then it holds one /24 of hosts', () => {
    expect(maxHosts('127.200.1')).toBe(239);
    expect(maxHosts('127.155.1')).toBe(478);
  });

  it("claims the shared service by its hosts file, and not another fleet's", () => {
    const dir = '/repo/.fleet';
    const argv = (path: string) => ['/usr/bin/node', '/repo/test/fleet/service.js', '--shared', path];
    expect(isFleetCommand(argv(`${dir}/service-hosts.json`), dir)).toBe(true);
    expect(isFleetCommand(argv(`${dir}/e2e/service-hosts.json`), dir)).toBe(false);
  });
});
