/**
 * The HAProxy runtime API, one command per connection: write `command\n`,
 * read until HAProxy closes (non-interactive mode). No socat, no shell.
 * This is one attempt; runtime-client.ts queues, bounds and retries them.
 * Transport problems come back as failure values naming the load balancer
 * and saying whether trying again may help; interpreting the answer is the
 * caller's job.
 */
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HaproxyTarget, SshHostRef } from '../../spec/model.js';
import { ok } from '../../core/result.js';
import type { Failure, Result } from '../../core/result.js';

export type RuntimeEndpoint = HaproxyTarget['endpoint'];

export interface CommandOptions {
  /** Name of the load balancer, for messages. */
  name: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Opens a stream to a socket on an SSH host (`ssh://` endpoints); without it they cannot be reached. */
  dialSsh?: SshDialer;
}

/**
 * Opens one stream to `path` on the SSH host `ref` (OpenSSH streamlocal
 * forwarding). Failures say whether trying again may help, as an attempt's do.
 */
export type SshDialer = (
  ref: SshHostRef,
  path: string,
  signal: AbortSignal | undefined,
) => Promise<Result<Duplex, AttemptFailure>>;

/** Why an attempt failed, in a word: an errno code (EAGAIN…), or timeout, short-read, aborted, unsafe, too-large. */
export type AttemptCause = string;

export interface AttemptFailure extends Failure {
  cause: AttemptCause;
  /** The same command may succeed if tried again: the socket was busy, reloading, or cut the answer short. */
  transient: boolean;
}

/** An answer larger than this is not a runtime API answer we asked for. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * Busy (EAGAIN: the socket's accept queue is full), restarting or reloading
 * (ECONNREFUSED, ECONNRESET, EPIPE), or slow. Not ENOENT or EACCES: a wrong
 * path or wrong permissions do not fix themselves, and HAProxy replaces its
 * socket file atomically on reload.
 */
const TRANSIENT = new Set([
  'EAGAIN',
  'EWOULDBLOCK',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'timeout',
  'short-read',
  // Over SSH: sshd could not open the socket (HAProxy restarting replaces it), or the SSH connection dropped.
  'streamlocal-connect',
  'ssh-lost',
]);

export function describeEndpoint(endpoint: RuntimeEndpoint): string {
  if ('ssh' in endpoint) {
    const { user, host, port } = endpoint.ssh;
    const where = host.includes(':') ? `[${host}]` : host;
    return `ssh://${user === undefined ? '' : `${user}@`}${where}${port === undefined ? '' : `:${port}`}${endpoint.path}`;
  }
  return 'path' in endpoint ? endpoint.path : `tcp://${endpoint.host}:${endpoint.port}`;
}

/** A local stream (unix socket or TCP), or a channel over SSH; resolves once it is open. */
function openStream(
  endpoint: RuntimeEndpoint,
  options: CommandOptions,
): Promise<Result<Duplex, AttemptFailure> | { ok: false; error: NodeJS.ErrnoException }> {
  if ('ssh' in endpoint) {
    if (!options.dialSsh)
      return Promise.resolve(
        failure('unsupported', `${options.name}: no SSH transport for ${describeEndpoint(endpoint)}`),
      );
    return options.dialSsh(endpoint.ssh, endpoint.path, options.signal);
  }
  return new Promise((resolve) => {
    const socket =
      'path' in endpoint ? connect({ path: endpoint.path }) : connect({ host: endpoint.host, port: endpoint.port });
    const onError = (error: NodeJS.ErrnoException) => resolve({ ok: false, error });
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(ok(socket));
    });
  });
}

/**
 * Only printable ASCII without `;` (which chains commands) or `\` (HAProxy's
 * escape): one line, one command, whatever the names in it.
 */
const SAFE_COMMAND = /^[\x20-\x3a\x3c-\x5b\x5d-\x7e]+$/;

export const failure = (cause: AttemptCause, message: string, detail?: string): Result<never, AttemptFailure> => ({
  ok: false,
  error: { message, cause, transient: TRANSIENT.has(cause), ...(detail === undefined ? {} : { detail }) },
});

export function sendCommand(
  endpoint: RuntimeEndpoint,
  command: string,
  options: CommandOptions,
): Promise<Result<string, AttemptFailure>> {
  const where = `${options.name}: HAProxy runtime API at ${describeEndpoint(endpoint)}`;
  if (!SAFE_COMMAND.test(command)) {
    return Promise.resolve(
      failure('unsafe', `${options.name}: refusing to send an unsafe runtime API command`, JSON.stringify(command)),
    );
  }
  if (options.signal?.aborted) return Promise.resolve(failure('aborted', `${where}: aborted before "${command}"`));

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    let socket: Duplex | undefined;

    const finish = (result: Result<string, AttemptFailure>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket?.destroy();
      resolve(result);
    };
    const onAbort = (): void => finish(failure('aborted', `${where}: aborted during "${command}"`));
    const timer = setTimeout(
      () => finish(failure('timeout', `${where}: no complete answer to "${command}" within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });

    void openStream(endpoint, options).then((opened) => {
      if (!opened.ok) {
        const error = opened.error;
        if ('transient' in error)
          finish({ ok: false, error: { ...(error as AttemptFailure), message: `${where}: ${error.message}` } });
        else finish(failure(error.code ?? error.message, `${where}: ${explain(error)}`, error.message));
        return;
      }
      socket = opened.value;
      if (settled) return void socket.destroy();
      exchange(socket);
    });

    function exchange(stream: Duplex): void {
      // Not end(): HAProxy closes after answering (non-interactive mode), and a
      // peer that never does must hit the timeout rather than look like an empty answer.
      stream.write(`${command}\n`);
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES)
          finish(failure('too-large', `${where}: answer to "${command}" exceeds ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(chunk);
      });
      stream.on('end', () => {
        const answer = Buffer.concat(chunks).toString('utf8');
        // Every complete answer ends with a newline ("\n" alone for a `set` that
        // worked): nothing, or a cut line, means HAProxy closed mid-answer.
        if (!answer.endsWith('\n'))
          finish(
            failure(
              'short-read',
              `${where}: the connection closed before a complete answer to "${command}" (short read, ${size} bytes)`,
            ),
          );
        else finish(ok(answer));
      });
      stream.on('error', (error: NodeJS.ErrnoException) => {
        finish(failure(error.code ?? error.message, `${where}: ${explain(error)}`, error.message));
      });
    }
  });
}

function explain(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such socket (ENOENT); is HAProxy running with "stats socket" here?';
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED); HAProxy is not listening';
    case 'EACCES':
      return 'permission denied (EACCES) on the socket';
    case 'EAGAIN':
    case 'EWOULDBLOCK':
      return `the socket's connection queue is full (${error.code}); HAProxy is serving its "maxconn" connections on it`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `HAProxy closed the connection mid-command (${error.code})`;
    default:
      return error.code ? `${error.code}: ${error.message}` : error.message;
  }
}

/** HAProxy's ways of saying no; a `show` answer that starts with one of these is an error. */
export function runtimeError(answer: string): string | undefined {
  const text = answer.trim();
  if (text === '') return undefined;
  const firstLine = text.split('\n', 1)[0] ?? text;
  if (
    /^(Unknown command|No such|Can't find|Permission denied|Require |Missing|Invalid|'.*' expects)/i.test(firstLine)
  ) {
    return firstLine;
  }
  return undefined;
}
