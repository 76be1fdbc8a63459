/**
 * The run log: every event as one pino JSON line in
 * `<repo>/.lieutenant/logs/<runId>.log`, secrets redacted. Writes are
 * asynchronous (pino's SonicBoom), so the engine's emit never waits on disk;
 * `close()` flushes at the end of the run.
 */
import { ExitCode } from '../core/exit-codes.js';
import { pino, type Level as PinoLevel } from 'pino';
import type { RunEvent, RunEventListener } from '../engine/index.js';
import { CENSOR, REDACT_PATHS, redactSecrets } from '../core/redact.js';
import { runLogPath } from '../records/index.js';

export interface RunLogger {
  readonly path: string;
  readonly listener: RunEventListener;
  /** A line that is not an event (what the adapters measured, at the end of the run), at info level. */
  note(message: string, fields: Record<string, unknown>): void;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

export function createRunLogger(repoDir: string, runId: string): RunLogger {
  const path = runLogPath(repoDir, runId);
  const destination = pino.destination({ dest: path, sync: false, mkdir: true });
  // The file opens in the background; lines written before are buffered.
  const opened = new Promise<void>((resolve, reject) => {
    destination.once('ready', () => resolve());
    destination.once('error', reject);
  });
  opened.catch(() => undefined); // reported by close(), not as an unhandled rejection
  const logger = pino(
    {
      base: { runId },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
    },
    destination,
  );
  const listener: RunEventListener = (event) => {
    logger[levelOf(event)]({ event: redactSecrets(event) }, event.type);
  };
  const close = async () => {
    await opened;
    await new Promise<void>((resolve) => {
      destination.once('close', () => resolve());
      destination.end();
    });
  };
  const note = (message: string, fields: Record<string, unknown>) => logger.info(redactSecrets(fields), message);
  return { path, listener, note, close };
}

function levelOf(event: RunEvent): PinoLevel {
  switch (event.type) {
    case 'log':
      return event.level;
    case 'host.failed':
      return 'error';
    case 'preflight.finished':
      return event.ok ? 'info' : 'error';
    case 'host.rollback.finished':
      return event.ok ? 'info' : 'error';
    case 'host.drain.finished':
      return event.timedOut ? 'warn' : 'info';
    case 'run.stopping':
      return 'warn';
    case 'run.finished':
      return event.exitCode === ExitCode.done ? 'info' : 'error';
    default:
      return 'info';
  }
}
