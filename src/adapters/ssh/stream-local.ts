/**
 * A unix socket on an SSH host, reached as OpenSSH's `ssh -L local:/remote.sock`
 * does: a `direct-streamlocal@openssh.com` channel on an open connection.
 * Nothing is installed on that host and the socket never listens on a
 * network. Failures say whether trying again may help: sshd refusing the
 * channel is a setting, but sshd failing to connect to the socket is what an
 * HAProxy restart looks like for a moment.
 *
 * OpenSSH answers both with the same "open failed", so a refused channel is
 * told apart by asking the host (one `test` over the same connection): a
 * socket that is there and that this user may open, yet refused, means sshd
 * does not forward to unix sockets (`AllowStreamLocalForwarding`).
 */
import type { Duplex } from 'node:stream';
import type { Result } from '../../core/result.js';
import { ok } from '../../core/result.js';
import type { Connection } from './connect.js';
import { buildRemoteCommand } from './quote.js';

export interface StreamLocalFailure {
  message: string;
  detail?: string;
  /** `ssh` (no connection), `ssh-lost`, `streamlocal-refused` (sshd's setting), `streamlocal-connect`. */
  cause: string;
  transient: boolean;
}

/** SSH_OPEN_ADMINISTRATIVELY_PROHIBITED: sshd does not allow this channel type. */
const PROHIBITED = 1;

export function streamLocalFailure(
  cause: string,
  message: string,
  detail?: string,
): { ok: false; error: StreamLocalFailure } {
  const transient = cause === 'streamlocal-connect' || cause === 'ssh-lost';
  return { ok: false, error: { cause, message, transient, ...(detail === undefined ? {} : { detail }) } };
}

export function forwardStreamLocal(
  connection: Connection,
  path: string,
  isOpen: () => boolean,
): Promise<Result<Duplex, StreamLocalFailure>> {
  const { label, user } = connection.endpoint;
  if (!isOpen()) return Promise.resolve(streamLocalFailure('ssh-lost', `${label}: the SSH connection was lost`));
  return new Promise((resolve) => {
    try {
      connection.client.openssh_forwardOutStreamLocal(path, (error, channel) => {
        if (!error) return resolve(ok(channel));
        const reason = (error as Error & { reason?: unknown }).reason;
        if (reason === PROHIBITED)
          return resolve(streamLocalFailure('streamlocal-refused', refusedMessage(label, path, user), error.message));
        void diagnose(connection, path).then((found) =>
          resolve(
            found === 'usable'
              ? streamLocalFailure('streamlocal-refused', refusedMessage(label, path, user), error.message)
              : streamLocalFailure(
                  'streamlocal-connect',
                  `${label}: sshd could not open the socket ${path} for ${user}: ${found === 'missing' ? 'there is no socket at that path' : found === 'denied' ? `${user} may not open it` : error.message.replace(/^\(SSH\) /, '')}`,
                  error.message,
                ),
          ),
        );
      });
    } catch (error) {
      // ssh2 throws when the connection closed under us.
      resolve(streamLocalFailure('ssh-lost', `${label}: the SSH connection was lost (${(error as Error).message})`));
    }
  });
}

function refusedMessage(label: string, path: string, user: string): string {
  return (
    `${label}: sshd refuses to forward to the unix socket ${path}: set "AllowStreamLocalForwarding yes" ` +
    `(and no "DisableForwarding yes") in that host's sshd_config, or for ${user} in a Match block`
  );
}

/** What the host says of the socket: there and openable by us, missing, not ours to open, or unknown. */
async function diagnose(connection: Connection, path: string): Promise<'usable' | 'missing' | 'denied' | 'unknown'> {
  const script =
    'if [ ! -S "$1" ]; then echo missing; elif [ -r "$1" ] && [ -w "$1" ]; then echo usable; else echo denied; fi';
  try {
    const answer = await connection.ssh.execCommand(
      buildRemoteCommand(['sh', '-c', script, 'sh', path], { asSuperuser: false }),
    );
    const word = answer.stdout.trim();
    return word === 'usable' || word === 'missing' || word === 'denied' ? word : 'unknown';
  } catch {
    return 'unknown';
  }
}
