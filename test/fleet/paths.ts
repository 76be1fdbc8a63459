import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Lieutenant checkout this file lives in (test/fleet/ is two levels down). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FLEET_SOURCE_DIR = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_FLEET_DIR = join(REPO_ROOT, '.fleet');
export const DEFAULT_PREFIX = '127.0.1';

/** Every path a fleet writes, derived from its directory alone so `down` needs nothing else. */
export function fleetPaths(dir: string) {
  return {
    state: join(dir, 'fleet.json'),
    inventory: join(dir, 'inventory.yaml'),
    identityFile: join(dir, 'id_ed25519'),
    knownHosts: join(dir, 'known_hosts'),
    authorizedKeys: join(dir, 'authorized_keys'),
    repo: join(dir, 'repo'),
    rpmRepo: join(dir, 'rpm-repo'),
    haproxyConfig: join(dir, 'haproxy.cfg'),
    haproxyPid: join(dir, 'haproxy.pid'),
    haproxySocket: join(dir, 'haproxy.sock'),
    haproxyLog: join(dir, 'haproxy.log'),
    hosts: join(dir, 'hosts'),
    /** The shared service's hosts (name, address, pid of the host's sshd): see service.js --shared. */
    serviceHosts: join(dir, 'service-hosts.json'),
    serviceLog: join(dir, 'service.log'),
    /** A fleet-wide fault: every host's service answers this share of / with 500 (service.js reads it). */
    faultErrorRate: join(dir, 'fault-error-rate'),
  };
}

export function hostPaths(dir: string, name: string) {
  const home = join(dir, 'hosts', name);
  return {
    home,
    root: join(home, 'root'),
    sshdConfig: join(home, 'sshd_config'),
    hostKey: join(home, 'ssh_host_ed25519_key'),
    sshdPid: join(home, 'sshd.pid'),
    sshdLog: join(home, 'sshd.log'),
    initLog: join(home, 'host.log'),
    serviceLog: join(home, 'service.log'),
  };
}

export function hostName(index: number): string {
  return `web-${String(index).padStart(2, '0')}`;
}

/** RPM hosts are named after the distributions whose package manager they run: fedora-01 (dnf), suse-01 (zypper). */
export const RPM_GROUPS = { dnf: 'fedora', zypper: 'suse' } as const;

export function rpmHostName(manager: keyof typeof RPM_GROUPS, index: number): string {
  return `${RPM_GROUPS[manager]}-${String(index).padStart(2, '0')}`;
}

/** Hosts per loopback /24: .11 … .249 (.250 is HAProxy, .251 Prometheus). */
export const HOSTS_PER_BLOCK = 239;
/** The second octet grows by this for each further block of a large fleet: 127.0.24 → 127.100.24 → 127.200.24. */
const BLOCK_STRIDE = 100;

/**
 * Host i (1-based) gets prefix.(10+i) for the first 239; a larger fleet (up to
 * 717 hosts) continues in 127.(A+100).B.11… and 127.(A+200).B.11… for prefix
 * 127.A.B — ranges that derive from the fleet's own prefix, so two fleets on
 * different prefixes never share an address.
 */
export function hostAddress(prefix: string, index: number): string {
  const block = Math.floor((index - 1) / HOSTS_PER_BLOCK);
  const [, second = '0', third = '0'] = prefix.split('.');
  const net = block === 0 ? prefix : `127.${Number(second) + BLOCK_STRIDE * block}.${third}`;
  return `${net}.${10 + ((index - 1) % HOSTS_PER_BLOCK) + 1}`;
}

/** How many hosts a fleet on `prefix` can have: 239 per block while the second octet stays ≤ 255. */
export function maxHosts(prefix: string): number {
  const second = Number(prefix.split('.')[1] ?? 0);
  return HOSTS_PER_BLOCK * (Math.floor((255 - second) / BLOCK_STRIDE) + 1);
}

export function haproxyAddress(prefix: string): string {
  return `${prefix}.250`;
}
