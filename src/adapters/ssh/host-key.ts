/**
 * SSH public key blobs (RFC 4253 §6.6) as they travel in the handshake and,
 * base64-encoded, in known_hosts. Only the leading algorithm name is read.
 */
import { createHash } from 'node:crypto';

/** The fingerprint OpenSSH prints: `SHA256:` and the unpadded base64 digest of the blob. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type a blob starts with (`ssh-ed25519`, `ecdsa-sha2-nistp256`…), or undefined if malformed. */
export function keyTypeOf(keyBlob: Buffer): string | undefined {
  if (keyBlob.length < 4) return undefined;
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > keyBlob.length) return undefined;
  const type = keyBlob.subarray(4, 4 + length).toString('latin1');
  return /^[a-z0-9@.-]+$/.test(type) ? type : undefined;
}

/** Host key algorithms a server may sign with for a key of this type (RSA keys sign several ways). */
export function algorithmsForKeyType(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}
