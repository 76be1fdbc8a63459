/**
 * The ssh2 `hostVerifier` for one connection: checks the key the server
 * presents against known_hosts before authentication, so a refused host never
 * sees our credentials and never runs a command. With `accept-new` an unknown
 * key is pinned (appended to the file, created with mode 600) and the
 * connection proceeds; a changed key is refused under either policy.
 */
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { algorithmsForKeyType, fingerprintSha256, keyTypeOf } from './host-key.js';
import { checkHostKey, knownHostsLine, parseKnownHosts, pinnedEntries } from './known-hosts.js';
import type { KnownHosts } from './known-hosts.js';

export interface HostKeyCheck {
  /** "web-01 (127.0.1.11)": how messages name the host. */
  label: string;
  host: string;
  port: number;
  knownHostsPath: string;
  policy: 'strict' | 'accept-new';
  log?: (message: string) => void;
}

export interface HostKeyGuard {
  /** Pass as ssh2's `hostVerifier` (the callback form, so the file can be read and written). */
  hostVerifier: (keyBlob: Buffer, accept: (accepted: boolean) => void) => void;
  /** Why the key was refused, once it has been; the connect error then reports this instead of ssh2's. */
  refusal(): { message: string; detail?: string } | undefined;
}

const ALL_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/**
 * The file as last read, while it is unchanged on disk: a run connecting to a
 * thousand hosts reads and indexes it once, not once per host (twice, with
 * the preferred algorithms). A line `accept-new` appends changes its size.
 */
const readFiles = new Map<string, { stamp: string; known: Promise<KnownHosts> }>();

async function readEntries(path: string): Promise<KnownHosts> {
  let stamp: string;
  try {
    const { ino, size, mtimeMs } = await stat(path);
    stamp = `${ino}:${size}:${mtimeMs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parseKnownHosts('');
    throw error;
  }
  const cached = readFiles.get(path);
  if (cached?.stamp === stamp) return cached.known;
  const known = readFile(path, 'utf8').then(parseKnownHosts);
  readFiles.set(path, { stamp, known });
  known.catch(() => readFiles.delete(path));
  return known;
}

/**
 * Like ssh, ask the server for the key types already pinned for this host
 * first, so a host with several keys presents the one we know.
 */
export async function preferredHostKeyAlgorithms(check: HostKeyCheck): Promise<string[]> {
  const entries = await readEntries(check.knownHostsPath).catch(() => parseKnownHosts(''));
  const pinned = pinnedEntries(entries, check.host, check.port).flatMap((e) => algorithmsForKeyType(e.keyType));
  return [...new Set([...pinned.filter((a) => ALL_HOST_KEY_ALGORITHMS.includes(a)), ...ALL_HOST_KEY_ALGORITHMS])];
}

export function createHostKeyGuard(check: HostKeyCheck): HostKeyGuard {
  let refused: { message: string; detail?: string } | undefined;
  const refuse = (message: string, detail?: string): false => {
    refused = detail === undefined ? { message } : { message, detail };
    return false;
  };

  async function decide(keyBlob: Buffer): Promise<boolean> {
    const { label, knownHostsPath: file } = check;
    const presented = `${keyTypeOf(keyBlob) ?? 'unknown-type'} ${fingerprintSha256(keyBlob)}`;
    let entries: KnownHosts;
    try {
      entries = await readEntries(file);
    } catch (error) {
      return refuse(`${label}: cannot read ${file} to verify the host key (${(error as Error).message})`);
    }
    const verdict = checkHostKey(entries, check.host, check.port, keyBlob);
    switch (verdict.kind) {
      case 'trusted':
        return true;
      case 'revoked':
        return refuse(`${label}: host key ${presented} is marked @revoked in ${file}; refused`);
      case 'changed':
        return refuse(
          `${label}: HOST KEY CHANGED: ${file} has ${verdict.pinned.join(', ')}, the host presented ${presented}; refused`,
          'If the host was rebuilt, remove its old line from the known_hosts file (ssh-keygen -R) and connect again.',
        );
      case 'unknown':
        if (check.policy === 'strict') {
          return refuse(
            `${label}: host key not in ${file}; add it or use hostKeyPolicy: accept-new`,
            `The host presented ${presented}.`,
          );
        }
        try {
          await mkdir(dirname(file), { recursive: true, mode: 0o700 });
          await appendFile(file, `${knownHostsLine(check.host, check.port, keyBlob)}\n`, { mode: 0o600 });
        } catch (error) {
          return refuse(`${label}: cannot pin the new host key in ${file} (${(error as Error).message})`);
        }
        check.log?.(`${label}: new host key ${presented} pinned in ${file} (accept-new)`);
        return true;
    }
  }

  return {
    hostVerifier: (keyBlob, accept) => {
      decide(keyBlob).then(accept, (error: unknown) => {
        refuse(`${check.label}: host key check failed (${String(error)})`);
        accept(false);
      });
    },
    refusal: () => refused,
  };
}
