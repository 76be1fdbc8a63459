/**
 * OpenSSH known_hosts, read and checked as `ssh` does (sshd(8) "SSH_KNOWN_HOSTS
 * FILE FORMAT"): plain or wildcard host patterns, comma lists with `!`
 * negation, `[host]:port` for other ports than 22, hashed `|1|salt|hash`
 * names (HMAC-SHA1 of the name, keyed by the salt). `@revoked` keys are
 * refused everywhere; `@cert-authority` lines are skipped, because Lieutenant
 * does not accept host certificates — a host known only through a CA is
 * therefore "unknown", which fails safe.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fingerprintSha256, keyTypeOf } from './host-key.js';
import { matchesPatternList } from './host-patterns.js';

export type HostNames = { kind: 'hashed'; salt: Buffer; hash: Buffer } | { kind: 'patterns'; patterns: string[] };

export interface KnownHostEntry {
  marker: 'revoked' | 'cert-authority' | undefined;
  names: HostNames;
  keyType: string;
  key: Buffer;
  /** 1-based, for messages. */
  line: number;
}

export type HostKeyVerdict =
  | { kind: 'trusted' }
  | { kind: 'unknown' }
  | { kind: 'changed'; pinned: string[] } // fingerprints of the keys on file for this host
  | { kind: 'revoked' };

/** The name a host is filed under: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** The line `accept-new` appends (unhashed, like `ssh -o HashKnownHosts=no`, so operators can read and prune it). */
export function knownHostsLine(host: string, port: number, keyBlob: Buffer): string {
  const type = keyTypeOf(keyBlob) ?? 'unknown';
  return `${knownHostsName(host, port)} ${type} ${keyBlob.toString('base64')}`;
}

/**
 * A known_hosts file, indexed: entries naming hosts literally (what
 * `accept-new` and `ssh-keyscan` write) are found by name, so checking N hosts
 * against a file of N lines is not N×N pattern matches. Wildcard, negated and
 * hashed entries are matched one by one, as ssh does.
 */
export interface KnownHosts {
  /** Every well-formed entry, in file order. */
  all: readonly KnownHostEntry[];
  /** Lower-cased literal name → the plain entries listing it. */
  literal: ReadonlyMap<string, readonly KnownHostEntry[]>;
  /** Plain entries with a wildcard, a negation or a hashed name. */
  matched: readonly KnownHostEntry[];
}

const LITERAL = /^[^*?!]+$/;

/** Every well-formed entry; malformed lines are skipped, as ssh does. */
export function parseKnownHosts(text: string): KnownHosts {
  const entries = parseEntries(text);
  const literal = new Map<string, KnownHostEntry[]>();
  const matched: KnownHostEntry[] = [];
  for (const entry of entries) {
    if (entry.marker !== undefined) continue;
    const { names } = entry;
    if (names.kind === 'hashed' || !names.patterns.every((pattern) => LITERAL.test(pattern))) {
      matched.push(entry);
      continue;
    }
    for (const name of new Set(names.patterns.map((pattern) => pattern.toLowerCase()))) {
      const listed = literal.get(name);
      if (listed) listed.push(entry);
      else literal.set(name, [entry]);
    }
  }
  return { all: entries, literal, matched };
}

function parseEntries(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const word = fields.shift();
      if (word !== '@revoked' && word !== '@cert-authority') return;
      marker = word === '@revoked' ? 'revoked' : 'cert-authority';
    }
    const [hostField, keyType, keyText] = fields;
    if (hostField === undefined || keyType === undefined || keyText === undefined) return;
    const names = parseHostField(hostField);
    const key = Buffer.from(keyText, 'base64');
    if (names === undefined || key.length === 0 || keyTypeOf(key) !== keyType) return;
    entries.push({ marker, names, keyType, key, line: index + 1 });
  });
  return entries;
}

function parseHostField(field: string): HostNames | undefined {
  if (!field.startsWith('|')) return { kind: 'patterns', patterns: field.split(',').filter((p) => p !== '') };
  const [, magic, salt, hash] = field.split('|');
  if (magic !== '1' || salt === undefined || hash === undefined) return undefined;
  return { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.names.kind === 'patterns') return matchesPatternList(name, entry.names.patterns);
  const digest = createHmac('sha1', entry.names.salt).update(name).digest();
  return digest.length === entry.names.hash.length && timingSafeEqual(digest, entry.names.hash);
}

/** The plain host entries on file for this host (not revocations, not CAs), in file order. */
export function pinnedEntries(known: KnownHosts, host: string, port: number): KnownHostEntry[] {
  const name = knownHostsName(host, port);
  const found = [
    ...(known.literal.get(name.toLowerCase()) ?? []),
    ...known.matched.filter((e) => entryMatches(e, name)),
  ];
  return found.sort((a, b) => a.line - b.line);
}

/**
 * Trusted only when this exact key is on file for this host. Any other key
 * where one is pinned counts as changed, even of another type: we ask the
 * server for the pinned types first (see `preferredHostKeyAlgorithms`), so a
 * different type means the server no longer has the key we know.
 */
export function checkHostKey(known: KnownHosts, host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  if (known.all.some((e) => e.marker === 'revoked' && e.key.equals(keyBlob))) return { kind: 'revoked' };
  const pinned = pinnedEntries(known, host, port);
  if (pinned.length === 0) return { kind: 'unknown' };
  if (pinned.some((e) => e.key.equals(keyBlob))) return { kind: 'trusted' };
  return { kind: 'changed', pinned: [...new Set(pinned.map((e) => fingerprintSha256(e.key)))] };
}
