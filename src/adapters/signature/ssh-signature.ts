/**
 * SSH signatures the way Git makes them with `gpg.format ssh`: `ssh-keygen
 * -Y sign` with the key of `user.signingKey` (a private key file, or a public
 * key whose private half is in ssh-agent), and `-Y verify` against an
 * allowed-signers file. The namespace ties a signature to its use: one made
 * for a Git commit does not verify as an answer to a gate.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail, ok, type Result } from '../../core/result.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Signs `text`; `key` is `user.signingKey`: a path (`~` expands), or `key::ssh-ed25519 …` held by ssh-agent. */
export async function signText(text: string, key: string, namespace: string): Promise<Result<string>> {
  return withScratch(async (dir) => {
    const keyFile = key.startsWith('key::') ? join(dir, 'signing-key.pub') : expandHome(key);
    if (key.startsWith('key::')) await writeFile(keyFile, `${key.slice('key::'.length)}\n`);
    const message = join(dir, 'answer');
    await writeFile(message, text);
    const signed = await sshKeygen(['-Y', 'sign', '-q', '-f', keyFile, '-n', namespace, message]);
    if (signed.code !== 0)
      return fail(`ssh-keygen could not sign with ${key} (git config user.signingKey)`, lastLine(signed));
    return ok(await readFile(`${message}.sig`, 'utf8'));
  });
}

/** The principal of `allowedSigners` whose key made `signature` over `text`, or why there is none. */
export async function verifySignature(
  text: string,
  signature: string,
  allowedSigners: string,
  namespace: string,
): Promise<Result<string>> {
  return withScratch(async (dir) => {
    const [signers, sig] = [join(dir, 'allowed_signers'), join(dir, 'answer.sig')];
    await writeFile(signers, allowedSigners);
    await writeFile(sig, signature);
    const found = await sshKeygen(['-Y', 'find-principals', '-s', sig, '-f', signers]);
    const principal = found.stdout.split('\n').find((line) => line.trim() !== '');
    if (found.code !== 0 || principal === undefined)
      return fail('it is signed by a key that is not in the allowed-signers file', lastLine(found));
    const verified = await sshKeygen(
      ['-Y', 'verify', '-f', signers, '-I', principal.trim(), '-n', namespace, '-s', sig],
      text,
    );
    if (verified.code !== 0) return fail('its signature does not match the answer', lastLine(verified));
    return ok(principal.trim());
  });
}

async function withScratch<T>(use: (dir: string) => Promise<Result<T>>): Promise<Result<T>> {
  const dir = await mkdtemp(join(tmpdir(), 'lieutenant-sig-'));
  try {
    return await use(dir);
  } catch (error) {
    return fail('ssh-keygen could not be run', error instanceof Error ? error.message : String(error));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function sshKeygen(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile('ssh-keygen', args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
    // ssh-keygen may exit before reading its input (a key it cannot use): that is its answer, not an error here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

const expandHome = (path: string): string => (path.startsWith('~/') ? join(homedir(), path.slice(2)) : path);
const lastLine = (run: Run): string =>
  (run.stderr.trim() || run.stdout.trim()).split('\n').at(-1) ?? `exit ${run.code}`;
