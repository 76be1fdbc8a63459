/** Real ssh-keygen: keys made in a temporary folder, signatures made and checked as Git does with gpg.format ssh. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signText, verifySignature } from './ssh-signature.js';

const NAMESPACE = 'lieutenant-answer';
let dir: string;
let allowed: string;

const makeKey = async (name: string) => {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
  return { path, pub: (await readFile(`${path}.pub`, 'utf8')).trim() };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lieutenant-sig-test-'));
  const alice = await makeKey('alice');
  await makeKey('mallory');
  allowed = `alice@example.com ${alice.pub}\n`;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('SSH signatures of answers', () => {
  it('given a key in the allowed signers, when it signs, then the signature verifies as its principal', async () => {
    const signed = await signText('approve run-1\n', join(dir, 'alice'), NAMESPACE);
    if (!signed.ok) throw new Error(signed.error.message);
    expect(await verifySignature('approve run-1\n', signed.value, allowed, NAMESPACE)).toEqual({
      ok: true,
      value: 'alice@example.com',
    });
  });

  it('given a signature, when the text or the namespace differs, then it does not verify', async () => {
    const signed = await signText('approve run-1\n', join(dir, 'alice'), NAMESPACE);
    if (!signed.ok) throw new Error(signed.error.message);
    const changed = await verifySignature('abort run-1\n', signed.value, allowed, NAMESPACE);
    expect(changed.ok || changed.error.message).toBe('its signature does not match the answer');
    const git = await verifySignature('approve run-1\n', signed.value, allowed, 'git');
    expect(git.ok).toBe(false);
  });

  it('given a key not in the allowed signers, when it signs, then the signature is refused naming why', async () => {
    const signed = await signText('approve run-1\n', join(dir, 'mallory'), NAMESPACE);
    if (!signed.ok) throw new Error(signed.error.message);
    const verified = await verifySignature('approve run-1\n', signed.value, allowed, NAMESPACE);
    expect(verified.ok || verified.error.message).toBe('it is signed by a key that is not in the allowed-signers file');
  });

  it('given a signing key that does not exist, when signing, then it fails naming the key', async () => {
    const signed = await signText('approve\n', join(dir, 'nobody'), NAMESPACE);
    expect(signed.ok || signed.error.message).toContain(`could not sign with ${join(dir, 'nobody')}`);
  });

  it('given garbage as a signature, when verified, then it is refused, not thrown', async () => {
    const verified = await verifySignature('approve\n', 'not a signature', allowed, NAMESPACE);
    expect(verified.ok).toBe(false);
  });
});
