/**
 * A real terminal for the TUI: a detached tmux session on a tmux server of
 * its own (`tmux -L NAME`, so nobody else's sessions are touched), running
 * one command line; the test reads the screen with `capture-pane -p` and
 * types with `send-keys`, like an operator. The command's exit status is
 * written to a file and the pane stays open, so the last screen can be read.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../fleet/wait.js';

export const hasTmux = (): boolean => spawnSync('tmux', ['-V']).status === 0;

export interface TerminalOptions {
  /** The command line, run by sh in `cwd`. */
  command: string;
  cwd: string;
  columns: number;
  rows: number;
  /** Extra environment for the command (TERM is xterm-256color; CI is unset, or Ink would draw only its last frame). */
  env?: Record<string, string>;
}

export interface Terminal {
  screen(): string;
  /** tmux key names, one `send-keys` call: 'a', 'Enter', 'C-c'. */
  press(...keys: string[]): void;
  /** Text typed as-is (`send-keys -l`). */
  type(text: string): void;
  /** Polls the screen until it shows `text`; resolves with that screen. */
  shows(text: string, timeoutMs?: number): Promise<string>;
  /** Resolves with the command's exit status once it has ended. */
  exitCode(timeoutMs?: number): Promise<number>;
  /** Kills the tmux server and everything in it. */
  close(): void;
}

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

export function openTerminal(options: TerminalOptions): Terminal {
  const socket = `lieutenant-e2e-${process.pid}-${Date.now().toString(36)}`;
  const scratch = mkdtempSync(join(tmpdir(), 'lieutenant-tty-'));
  const statusFile = join(scratch, 'exit-status');
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const env = Object.entries({ TERM: 'xterm-256color', ...options.env }).map(
    ([key, value]) => `${key}=${quote(value)}`,
  );
  // The pane outlives the command (sleep) so its last screen stays readable; close() ends it.
  const line = `env -u CI -u CONTINUOUS_INTEGRATION ${env.join(' ')} ${options.command}; echo $? > ${quote(statusFile)}; sleep 600`;
  tmux(
    '-f',
    '/dev/null',
    'new-session',
    '-d',
    '-s',
    'run',
    '-x',
    String(options.columns),
    '-y',
    String(options.rows),
    '-c',
    options.cwd,
    line,
  );
  const screen = () => tmux('capture-pane', '-p', '-t', 'run');
  // kill-server leaves the socket file behind; close() removes it.
  const socketPath = tmux('display-message', '-p', '#{socket_path}').trim();

  /** For a failure message: the screen, or why there is none. */
  const lastWords = (): string => {
    try {
      return `the screen:\n${screen()}`;
    } catch (error) {
      let status = 'none written';
      try {
        status = readFileSync(statusFile, 'utf8').trim();
      } catch {
        // not written: the command never ended on its own
      }
      return `no screen (${(error as Error).message.split('\n')[0]}); the command's exit status: ${status}`;
    }
  };

  return {
    screen,
    press: (...keys) => void tmux('send-keys', '-t', 'run', ...keys),
    type: (text) => void tmux('send-keys', '-t', 'run', '-l', text),
    async shows(text, timeoutMs = 60_000) {
      try {
        return await waitFor(() => (screen().includes(text) ? screen() : undefined), {
          what: `"${text}" on screen`,
          timeoutMs,
          intervalMs: 100,
        });
      } catch (error) {
        throw new Error(`${(error as Error).message}; ${lastWords()}`);
      }
    },
    async exitCode(timeoutMs = 30_000) {
      const text = await waitFor(() => readFileSync(statusFile, 'utf8').trim() || undefined, {
        what: 'the command to exit',
        timeoutMs,
      });
      return Number(text);
    },
    close() {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
      rmSync(socketPath, { force: true });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
