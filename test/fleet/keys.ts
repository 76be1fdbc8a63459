import { readFile, rm, writeFile } from 'node:fs/promises';
import { runChecked } from './exec.js';

/** A fresh ed25519 key pair at `path` (+ .pub); resolves with the public key line. */
export async function generateKeyPair(sshKeygen: string, path: string, comment: string): Promise<string> {
  await rm(path, { force: true });
  await rm(`${path}.pub`, { force: true });
  await runChecked(sshKeygen, ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return (await readFile(`${path}.pub`, 'utf8')).trim();
}

/**
 * known_hosts with one line per host address ("ADDRESS ssh-ed25519 AAAA…"), as
 * ssh and node-ssh look it up for port 22. The comment is dropped: only the key matters.
 */
export async function writeKnownHosts(
  path: string,
  hosts: ReadonlyArray<{ address: string; publicKey: string }>,
): Promise<void> {
  const lines = hosts.map(({ address, publicKey }) => {
    const [type, key] = publicKey.split(/\s+/);
    return `${address} ${type} ${key}`;
  });
  await writeFile(path, `${lines.join('\n')}\n`, { mode: 0o644 });
}
