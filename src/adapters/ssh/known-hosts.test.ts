import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintSha256, keyTypeOf } from './host-key.js';
import { createHostKeyGuard, preferredHostKeyAlgorithms } from './host-key-guard.js';
import type { HostKeyCheck } from './host-key-guard.js';
import { checkHostKey, knownHostsLine, parseKnownHosts, pinnedEntries } from './known-hosts.js';

/** Real keys from ssh-keygen, so blobs, fingerprints and hashed names are OpenSSH's own. */
let dir: string;
const keys = {} as Record<'ed25519' | 'other' | 'ecdsa', { line: string; blob: Buffer }>;

function makeKey(name: string, type: string): { line: string; blob: Buffer } {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', join(dir, name)]);
  const line = readFileSync(join(dir, `${name}.pub`), 'utf8').trim();
  return { line, blob: Buffer.from(line.split(' ')[1] ?? '', 'base64') };
}

const known = (file: string, text: string) => {
  writeFileSync(join(dir, file), text);
  return join(dir, file);
};
const lineFor = (host: string, key: { line: string }) => `${host} ${key.line.split(' ').slice(0, 2).join(' ')}`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lt-known-hosts-'));
  keys.ed25519 = makeKey('ed', 'ed25519');
  keys.other = makeKey('other', 'ed25519');
  keys.ecdsa = makeKey('ec', 'ecdsa');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fingerprintSha256', () => {
  it('Given a public key, When fingerprinted, Then it reads exactly as ssh-keygen -l shows it', () => {
    const shown = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'ed.pub')], { encoding: 'utf8' });
    expect(shown.split(' ')[1]).toBe(fingerprintSha256(keys.ed25519.blob));
    expect(keyTypeOf(keys.ecdsa.blob)).toBe('ecdsa-sha2-nistp256');
  });
});

describe('checkHostKey', () => {
  it('Given a plain entry for the address, When the same key is presented, Then it is trusted', () => {
    const entries = parseKnownHosts(`# comment\n\n${lineFor('127.0.1.11', keys.ed25519)}\n`);
    expect(checkHostKey(entries, '127.0.1.11', 22, keys.ed25519.blob)).toEqual({ kind: 'trusted' });
  });

  it('Given a different key on file, When presented, Then it is changed and names the pinned fingerprint', () => {
    const entries = parseKnownHosts(lineFor('127.0.1.11', keys.other));
    expect(checkHostKey(entries, '127.0.1.11', 22, keys.ed25519.blob)).toEqual({
      kind: 'changed',
      pinned: [fingerprintSha256(keys.other.blob)],
    });
  });

  it('Given no entry for the host, When a key is presented, Then it is unknown', () => {
    const entries = parseKnownHosts(lineFor('127.0.1.12', keys.ed25519));
    expect(checkHostKey(entries, '127.0.1.11', 22, keys.ed25519.blob).kind).toBe('unknown');
  });

  it('Given port 2222, When looked up, Then only the [host]:port entry counts', () => {
    const entries = parseKnownHosts(
      `${lineFor('127.0.1.11', keys.other)}\n${lineFor('[127.0.1.11]:2222', keys.ed25519)}`,
    );
    expect(checkHostKey(entries, '127.0.1.11', 2222, keys.ed25519.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, '127.0.1.11', 22, keys.ed25519.blob).kind).toBe('changed');
    expect(knownHostsLine('127.0.1.11', 2222, keys.ed25519.blob)).toBe(lineFor('[127.0.1.11]:2222', keys.ed25519));
  });

  it('Given comma lists, wildcards and negation, When looked up, Then they match as in OpenSSH', () => {
    const entries = parseKnownHosts(lineFor('web-01,127.0.1.*,!127.0.1.13', keys.ed25519));
    expect(checkHostKey(entries, '127.0.1.12', 22, keys.ed25519.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, 'WEB-01', 22, keys.ed25519.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, '127.0.1.13', 22, keys.ed25519.blob).kind).toBe('unknown');
  });

  it('Given a file hashed by ssh-keygen -H, When looked up, Then hashed names match on both ports', () => {
    const file = known(
      'hashed',
      `${lineFor('127.0.1.11', keys.ed25519)}\n${lineFor('[127.0.1.12]:2200', keys.other)}\n`,
    );
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('127.0.1.1');
    const entries = parseKnownHosts(text);
    expect(entries.all.every((e) => e.names.kind === 'hashed')).toBe(true);
    expect(checkHostKey(entries, '127.0.1.11', 22, keys.ed25519.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, '127.0.1.12', 2200, keys.other.blob).kind).toBe('trusted');
    expect(checkHostKey(entries, '127.0.1.12', 22, keys.other.blob).kind).toBe('unknown');
  });

  it('Given @revoked and @cert-authority lines, When checked, Then a revoked key is refused and a CA trusts nothing', () => {
    const entries = parseKnownHosts(
      `@revoked * ${keys.other.line}\n@cert-authority 127.0.1.* ${keys.ecdsa.line}\n${lineFor('127.0.1.11', keys.other)}`,
    );
    expect(checkHostKey(entries, '127.0.1.11', 22, keys.other.blob).kind).toBe('revoked');
    expect(checkHostKey(entries, '127.0.1.12', 22, keys.ecdsa.blob).kind).toBe('unknown');
  });

  it('Given literal, wildcard and hashed lines for one host, When its pinned keys are listed, Then all are found in file order, whatever the case', () => {
    const hashed = known('hashed-one', `${lineFor('127.0.1.11', keys.ecdsa)}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed]);
    const text = [
      lineFor('127.0.1.*', keys.other),
      lineFor('WEB-01,127.0.1.11', keys.ed25519),
      readFileSync(hashed, 'utf8').trim(),
      lineFor('127.0.1.12', keys.other),
    ].join('\n');
    const entries = parseKnownHosts(text);
    expect(pinnedEntries(entries, '127.0.1.11', 22).map((e) => e.line)).toEqual([1, 2, 3]);
    expect(pinnedEntries(entries, 'web-01', 22).map((e) => e.line)).toEqual([2]);
    expect(pinnedEntries(entries, '127.0.1.12', 22).map((e) => e.line)).toEqual([1, 4]);
  });

  it('Given malformed lines, When parsed, Then they are skipped', () => {
    const entries = parseKnownHosts(
      `garbage\n@weird host ${keys.ed25519.line}\nhost ssh-rsa !!notbase64\n${lineFor('ok', keys.ed25519)}`,
    );
    expect(entries.all.map((e) => e.line)).toEqual([4]);
  });
});

describe('createHostKeyGuard', () => {
  const check = (path: string, policy: HostKeyCheck['policy']): HostKeyCheck => ({
    label: 'web-01 (127.0.1.11)',
    host: '127.0.1.11',
    port: 22,
    knownHostsPath: path,
    policy,
  });
  const present = (guard: ReturnType<typeof createHostKeyGuard>, blob: Buffer) =>
    new Promise<boolean>((resolve) => guard.hostVerifier(blob, resolve));

  it('Given strict and an empty file, When a key is presented, Then it is refused with the host and file named', async () => {
    const path = known('empty', '');
    const guard = createHostKeyGuard(check(path, 'strict'));
    expect(await present(guard, keys.ed25519.blob)).toBe(false);
    expect(guard.refusal()?.message).toBe(
      `web-01 (127.0.1.11): host key not in ${path}; add it or use hostKeyPolicy: accept-new`,
    );
  });

  it('Given a changed key, When presented under accept-new, Then it is refused showing both fingerprints', async () => {
    const path = known('changed', `${lineFor('127.0.1.11', keys.other)}\n`);
    const guard = createHostKeyGuard(check(path, 'accept-new'));
    expect(await present(guard, keys.ed25519.blob)).toBe(false);
    const message = guard.refusal()?.message ?? '';
    expect(message).toContain(fingerprintSha256(keys.other.blob));
    expect(message).toContain(fingerprintSha256(keys.ed25519.blob));
    expect(readFileSync(path, 'utf8')).toBe(`${lineFor('127.0.1.11', keys.other)}\n`);
  });

  it('Given accept-new and no file, When a key is presented, Then it is pinned (mode 600) and verified next time', async () => {
    const path = join(dir, 'new', 'known_hosts');
    expect(await present(createHostKeyGuard(check(path, 'accept-new')), keys.ed25519.blob)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(`${lineFor('127.0.1.11', keys.ed25519)}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await present(createHostKeyGuard(check(path, 'strict')), keys.ed25519.blob)).toBe(true);
    const guard = createHostKeyGuard(check(path, 'accept-new'));
    expect(await present(guard, keys.other.blob)).toBe(false);
    expect(guard.refusal()?.message).toContain('HOST KEY CHANGED');
  });

  it('Given a file read once, When it is rewritten to the same size with another key, Then the next check reads the new one', async () => {
    const path = known('rewritten', `${lineFor('127.0.1.11', keys.ed25519)}\n`);
    expect(await present(createHostKeyGuard(check(path, 'strict')), keys.ed25519.blob)).toBe(true);
    const before = statSync(path);
    writeFileSync(path, `${lineFor('127.0.1.11', keys.other)}\n`);
    expect(statSync(path).size).toBe(before.size);
    const guard = createHostKeyGuard(check(path, 'strict'));
    expect(await present(guard, keys.ed25519.blob)).toBe(false);
    expect(guard.refusal()?.message).toContain('HOST KEY CHANGED');
  });

  it('Given an ecdsa key pinned, When algorithms are chosen, Then ecdsa is asked for first', async () => {
    const path = known('ecdsa', `${lineFor('127.0.1.11', keys.ecdsa)}\n`);
    const algorithms = await preferredHostKeyAlgorithms(check(path, 'strict'));
    expect(algorithms[0]).toBe('ecdsa-sha2-nistp256');
    expect(algorithms).toContain('ssh-ed25519');
    expect(new Set(algorithms).size).toBe(algorithms.length);
  });
});
