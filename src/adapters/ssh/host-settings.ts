/**
 * Which SSH settings a host is reached with, and where each came from: the
 * host's own `ssh`, its group's, ~/.ssh/config (matched by inventory name or
 * address), then the inventory's environment-wide `ssh` block. A host's or
 * group's setting is written for that host, so it wins over ~/.ssh/config;
 * the environment's block is the fleet-wide default that ~/.ssh/config
 * refines per host, as `ssh HOST` would. Pure: the config comes in parsed.
 */
import type { HostSsh, SshOverrides, SshSettings } from '../../spec/model.js';
import type { JumpHost, SshConfig } from './ssh-config.js';
import { parseJumpHost, resolveHostConfig } from './ssh-config.js';

export type SshOrigin = 'host' | 'group' | 'socket' | 'ssh config' | 'environment';

export interface HostSshTarget {
  name: string;
  address: string;
  ssh?: { settings: SshOverrides; from: Partial<Record<keyof SshOverrides, SshOrigin>> } | HostSsh;
}

export interface ResolvedSsh {
  /** What is dialled: ssh config's HostName, or the address. */
  host: string;
  port: number;
  user: string;
  identityFile: string | undefined;
  become: 'none' | 'sudo';
  connectTimeoutMs: number;
  /** Jump hosts, outermost first; empty to connect directly. */
  jumps: JumpHost[];
  /** A ProxyJump that cannot be read: the connection must fail rather than go direct. */
  jumpError?: string;
  from: Record<'host' | 'port' | 'user' | 'identityFile' | 'become' | 'proxyJump' | 'connectTimeout', SshOrigin>;
}

export function resolveHostSsh(target: HostSshTarget, settings: SshSettings, config: SshConfig): ResolvedSsh {
  const own = target.ssh?.settings ?? {};
  const ownFrom = target.ssh?.from ?? {};
  const fromConfig = resolveHostConfig(config, [target.name, target.address]);
  const pick = <T>(key: keyof SshOverrides, mine: T | undefined, configured: T | undefined, fallback: T) =>
    mine !== undefined
      ? { value: mine, from: ownFrom[key] ?? ('host' as SshOrigin) }
      : configured !== undefined
        ? { value: configured, from: 'ssh config' as SshOrigin }
        : { value: fallback, from: 'environment' as SshOrigin };
  const user = pick('user', own.user, fromConfig.user, settings.user);
  const port = pick('port', own.port, fromConfig.port, settings.port);
  const key = pick('identityFile', own.identityFile, fromConfig.identityFile, settings.identityFile);
  const jump = jumpsOf(own.proxyJump, ownFrom.proxyJump, fromConfig, settings.proxyJump);
  const become = own.become ?? settings.become;
  const connectTimeoutMs = own.connectTimeoutMs ?? settings.connectTimeoutMs;
  return {
    host: fromConfig.hostName ?? target.address,
    port: port.value,
    user: user.value,
    identityFile: key.value,
    become,
    connectTimeoutMs,
    jumps: jump.jumps,
    ...(jump.error === undefined ? {} : { jumpError: jump.error }),
    from: {
      host: fromConfig.hostName === undefined ? 'environment' : 'ssh config',
      port: port.from,
      user: user.from,
      identityFile: key.from,
      become: own.become === undefined ? 'environment' : (ownFrom.become ?? 'host'),
      proxyJump: jump.from,
      connectTimeout: own.connectTimeoutMs === undefined ? 'environment' : (ownFrom.connectTimeoutMs ?? 'host'),
    },
  };
}

function jumpsOf(
  own: string | undefined,
  ownFrom: SshOrigin | undefined,
  fromConfig: ReturnType<typeof resolveHostConfig>,
  environment: string | undefined,
): { jumps: JumpHost[]; error?: string; from: SshOrigin } {
  if (own !== undefined) return { ...parseProxyJump(own), from: ownFrom ?? 'host' };
  if (fromConfig.proxyJumpError !== undefined)
    return { jumps: [], error: fromConfig.proxyJumpError, from: 'ssh config' };
  if (fromConfig.proxyJump !== undefined) return { jumps: fromConfig.proxyJump, from: 'ssh config' };
  if (environment !== undefined) return { ...parseProxyJump(environment), from: 'environment' };
  return { jumps: [], from: 'environment' };
}

/** `none`, or `[user@]host[:port],…` (valid by the schema). */
export function parseProxyJump(text: string): { jumps: JumpHost[]; error?: string } {
  if (text.toLowerCase() === 'none') return { jumps: [] };
  const hops = text.split(',').map((hop) => parseJumpHost(hop.trim()));
  if (hops.every((hop): hop is JumpHost => hop !== undefined)) return { jumps: hops };
  return { jumps: [], error: `cannot read proxyJump "${text}"` };
}

/** One line per setting, `user deploy (group)`, for `plan --explain-ssh`. */
export function describeResolvedSsh(resolved: ResolvedSsh): string[] {
  const jumps = resolved.jumps.map((j) => `${j.user ? `${j.user}@` : ''}${j.host}${j.port ? `:${j.port}` : ''}`);
  return [
    `address ${resolved.host} (${resolved.from.host === 'ssh config' ? 'ssh config HostName' : 'inventory'})`,
    `user ${resolved.user} (${resolved.from.user})`,
    `port ${resolved.port} (${resolved.from.port})`,
    `identityFile ${resolved.identityFile ?? 'none: ssh-agent'} (${resolved.from.identityFile})`,
    `become ${resolved.become} (${resolved.from.become})`,
    `proxyJump ${jumps.length === 0 ? 'none' : jumps.join(',')} (${resolved.from.proxyJump})`,
    `connectTimeout ${resolved.connectTimeoutMs / 1000}s (${resolved.from.connectTimeout})`,
  ];
}
