/**
 * The run log: every event as one pino JSON line in
 * `<repo>/.lieutenant/logs/<runId>.log`, secrets redacted. Writes are
 * asynchronous (pino's SonicBoom), so the engine's emit never waits on disk;
 * `close()` flushes at the end of the run.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino, type Level as PinoLevel } from 'pino';
import type { RunEvent, RunEventListener } from '../engine/events.js';
import { CENSOR, REDACT_PATHS, redactSecrets } from './redact.js';

export interface RunLogger {
  readonly path: string;
  readonly onEvent: RunEventListener;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

export const runLogPath = (repoDir: string, runId: string): string => join(repoDir, '.lieutenant', 'logs', `${runId}.log`);

export async function createRunLogger(repoDir: string, runId: string): Promise<RunLogger> {
  const path = runLogPath(repoDir, runId);
  await mkdir(join(repoDir, '.lieutenant', 'logs'), { recursive: true });
  const destination = pino.destination({ dest: path, sync: false, mkdir: true });
  const logger = pino(
    {
      base: { runId },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
    },
    destination,
  );
  const onEvent: RunEventListener = (event) => {
    logger[levelOf(event)]({ event: redactSecrets(event) }, event.type);
  };
  const close = () =>
    new Promise<void>((resolve) => {
      logger.flush(() => {
        destination.once('close', () => resolve());
        destination.end();
      });
    });
  return { path, onEvent, close };
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
      return event.exitCode === 0 ? 'info' : 'error';
    default:
      return 'info';
  }
}
