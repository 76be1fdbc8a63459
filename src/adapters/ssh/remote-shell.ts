/**
 * One host's shell over its cached connection. Every exec is bounded: at the
 * timeout (or on abort) a failure value is returned at once — the step never
 * hangs on a host — and the remote process is sent TERM, then KILL, then its
 * channel is closed; `timeout` on the host backs that up (see quote.ts). A
 * non-zero exit is not a failure here; callers judge it.
 *
 * Why stdin is a never-ending stream: ssh2 only sends a signal request on a
 * channel that is still writable, and ending stdin (node-ssh's default) makes
 * it unwritable. The remote command reads /dev/null instead, so nothing ever
 * waits on us for input.
 */
import { constants } from 'node:os';
import { PassThrough } from 'node:stream';
import { formatDuration } from '../../spec/duration.js';
import type { ExecOptions, ExecOutput, RemoteShell } from '../../engine/index.js';
import type { Result } from '../../core/result.js';
import { fail, ok } from '../../core/result.js';
import type { Connection } from './connect.js';
import { buildRemoteCommand } from './quote.js';
import type { Ssh2Channel } from './ssh2-types.js';

const KILL_GRACE_MS = 2_000;

export interface ShellSettings {
  become: 'none' | 'sudo';
  commandTimeoutMs: number;
}

/** A shell exit status for a process killed by a signal, as sh reports it (128 + n). */
function signalExitCode(signal: string | null): number {
  const number = signal === null ? undefined : constants.signals[`SIG${signal}` as keyof typeof constants.signals];
  return 128 + (number ?? 0);
}

export function createRemoteShell(
  host: string,
  connection: Connection,
  settings: ShellSettings,
  isOpen: () => boolean,
): RemoteShell {
  const { label } = connection.endpoint;

  async function exec(argv: readonly string[], options: ExecOptions = {}): Promise<Result<ExecOutput>> {
    const what = argv[0] ?? '';
    if (options.signal?.aborted) return fail(`${label}: ${what} not started: aborted`);
    if (!isOpen()) return fail(`${label}: the SSH connection was lost; connect again`);
    const timeoutMs = options.timeoutMs ?? settings.commandTimeoutMs;
    const command = buildRemoteCommand(argv, {
      asSuperuser: options.privileged === true && settings.become === 'sudo',
      // A second past ours, so the client reports the timeout and the host still cleans up.
      killAfterSeconds: Math.ceil(timeoutMs / 1000) + 1,
    });

    let channel: Ssh2Channel | undefined;
    let stop: (reason: string) => void = () => {};
    const stopped = new Promise<Result<ExecOutput>>((resolve) => {
      stop = (reason) => {
        resolve(fail(`${label}: ${what} ${reason}`));
        // TERM first: sudo relays it to a privileged command, and apt/dpkg shut down cleanly on it.
        channel?.signal('TERM');
        setTimeout(() => {
          channel?.signal('KILL');
          channel?.close();
        }, KILL_GRACE_MS).unref();
      };
    });
    const timer = setTimeout(() => stop(`timed out after ${formatDuration(timeoutMs)}`), timeoutMs);
    const onAbort = () => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const stdin = new PassThrough();
    const ran = connection.ssh
      .execCommand(command, { stdin, noTrim: true, onChannel: (c: unknown) => (channel = c as Ssh2Channel) })
      .then(
        (response): Result<ExecOutput> =>
          response.code === null && response.signal === null
            ? fail(`${label}: ${what}: the SSH connection closed before it exited`)
            : ok({
                code: response.code ?? signalExitCode(response.signal),
                stdout: response.stdout,
                stderr: response.stderr,
              }),
        (error: unknown) =>
          fail(`${label}: ${what} could not run (${error instanceof Error ? error.message : String(error)})`),
      );
    try {
      return await Promise.race([ran, stopped]);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      void ran.finally(() => stdin.end());
    }
  }

  return { host, exec };
}
