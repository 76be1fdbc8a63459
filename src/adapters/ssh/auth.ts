/**
 * How we prove who we are: the inventory's (or ssh config's) identity file, or
 * else the agent at SSH_AUTH_SOCK. Messages name the file, never its content.
 */
import { readFile } from 'node:fs/promises';
import type { Result } from '../../core/result.js';
import { fail, ok } from '../../core/result.js';

export type SshAuth =
  | { kind: 'key'; path: string; privateKey: Buffer; describe: string }
  | { kind: 'agent'; socket: string; describe: string };

export async function resolveAuth(identityFile: string | undefined, env: NodeJS.ProcessEnv): Promise<Result<SshAuth>> {
  if (identityFile !== undefined) {
    try {
      const privateKey = await readFile(identityFile);
      return ok({ kind: 'key', path: identityFile, privateKey, describe: `key ${identityFile}` });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return fail(`cannot read the SSH identity file ${identityFile} (${code})`);
    }
  }
  const socket = env['SSH_AUTH_SOCK'];
  if (socket !== undefined && socket !== '') return ok({ kind: 'agent', socket, describe: 'ssh-agent' });
  return fail(
    'no SSH credentials: the inventory sets no ssh.identityFile and no ssh-agent is running (SSH_AUTH_SOCK is not set)',
  );
}
