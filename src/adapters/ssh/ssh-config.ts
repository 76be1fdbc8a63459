/**
 * The part of ssh_config(5) Lieutenant honours: `HostName`, `User`, `Port`,
 * `IdentityFile` and `ProxyJump` under `Host` patterns, first value wins, as
 * in OpenSSH. A `Match` block is not evaluated (its settings are skipped) and
 * `Include` is not followed; both are reported through `warnings` so nothing
 * is ignored silently.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { matchesPatternList } from './host-patterns.js';

export interface SshConfigBlock {
  /** `Host` patterns; undefined for the settings before the first `Host` (they apply to every host). */
  patterns: string[] | undefined;
  /** Inside a `Match` block, which we do not evaluate. */
  skipped: boolean;
  settings: Array<{ keyword: string; value: string; line: number }>;
}

export interface SshConfig {
  blocks: SshConfigBlock[];
  warnings: string[];
}

export interface HostSshConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFile?: string;
  /** `ProxyJump` hops, outermost first; `none` gives an empty list. */
  proxyJump?: JumpHost[];
  /** A `ProxyJump` we cannot read: the connection must fail rather than silently go direct. */
  proxyJumpError?: string;
}

export interface JumpHost {
  host: string;
  user?: string;
  port?: number;
}

const HONOURED = new Set(['hostname', 'user', 'port', 'identityfile', 'proxyjump']);

/** `Keyword value`, `Keyword=value`, `Keyword "quoted value"`. */
function splitLine(text: string): [string, string] | undefined {
  const match = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*?)\s*$/.exec(text);
  if (!match || match[1] === undefined || match[2] === undefined) return undefined;
  return [match[1].toLowerCase(), match[2]];
}

function words(value: string): string[] {
  return [...value.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

export function parseSshConfig(text: string, file = 'ssh config'): SshConfig {
  const blocks: SshConfigBlock[] = [{ patterns: undefined, skipped: false, settings: [] }];
  const warnings: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (/^\s*(#|$)/.test(raw)) return;
    const pair = splitLine(raw);
    if (pair === undefined) return warnings.push(`${file}:${line}: cannot read this line; ignored`);
    const [keyword, value] = pair;
    if (keyword === 'host') return blocks.push({ patterns: words(value), skipped: false, settings: [] });
    if (keyword === 'match') {
      warnings.push(`${file}:${line}: Match blocks are not supported; their settings are ignored`);
      return blocks.push({ patterns: [], skipped: true, settings: [] });
    }
    if (keyword === 'include') return warnings.push(`${file}:${line}: Include is not followed`);
    if (HONOURED.has(keyword)) blocks.at(-1)?.settings.push({ keyword, value: words(value).join(' '), line });
  });
  return { blocks, warnings };
}

/** `[user@]host[:port]`, `[user@][v6addr]:port`. */
export function parseJumpHost(text: string): JumpHost | undefined {
  const match = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match || match[2] === undefined) return undefined;
  const jump: JumpHost = { host: match[2].replace(/^\[(.*)\]$/, '$1') };
  if (match[1] !== undefined) jump.user = match[1];
  if (match[3] !== undefined) jump.port = Number(match[3]);
  return jump;
}

function expandPath(value: string, host: string, user: string | undefined): string {
  const expanded = value
    .replace(/^~(?=\/|$)/, homedir())
    .replace(/%(.)/g, (whole, c: string) =>
      c === '%' ? '%' : c === 'h' ? host : c === 'd' ? homedir() : c === 'r' && user ? user : whole,
    );
  return expanded.startsWith('/') ? expanded : join(homedir(), '.ssh', expanded);
}

/**
 * The honoured settings for a host. A `Host` line matches when its patterns
 * match the inventory name or the address: an operator may have keyed their
 * config by either, and both mean this host.
 */
export function resolveHostConfig(config: SshConfig, names: readonly string[]): HostSshConfig {
  const found = new Map<string, { value: string; line: number }>();
  for (const block of config.blocks) {
    if (block.skipped) continue;
    const patterns = block.patterns;
    if (patterns !== undefined && !names.some((name) => matchesPatternList(name, patterns))) continue;
    for (const setting of block.settings) if (!found.has(setting.keyword)) found.set(setting.keyword, setting);
  }
  const result: HostSshConfig = {};
  const get = (k: string) => found.get(k)?.value;
  const hostName = get('hostname');
  if (hostName !== undefined) result.hostName = hostName.replace(/%h/g, names[names.length - 1] ?? '');
  const user = get('user');
  if (user !== undefined) result.user = user;
  const port = Number(get('port'));
  if (Number.isInteger(port) && port > 0 && port < 65536) result.port = port;
  const identityFile = get('identityfile');
  if (identityFile !== undefined && identityFile.toLowerCase() !== 'none') {
    result.identityFile = expandPath(identityFile, result.hostName ?? names[names.length - 1] ?? '', result.user);
  }
  const proxyJump = found.get('proxyjump');
  if (proxyJump !== undefined && proxyJump.value.toLowerCase() === 'none') result.proxyJump = [];
  else if (proxyJump !== undefined) {
    const hops = proxyJump.value.split(',').map((hop) => parseJumpHost(hop.trim()));
    if (hops.every((hop) => hop !== undefined)) result.proxyJump = hops;
    else result.proxyJumpError = `ssh config line ${proxyJump.line}: cannot read ProxyJump "${proxyJump.value}"`;
  }
  return result;
}
