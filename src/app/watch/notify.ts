/**
 * `--notify URL`: alerts as one JSON POST each. A receiver that is down or
 * slow never stops the watcher: a failed POST is a value the caller logs.
 */
import type { Result } from '../../core/result.js';
import { fail, okVoid } from '../../core/result.js';
import type { Versions } from '../../engine/index.js';
import type { WatchEventBody } from './events.js';

export type Alert =
  | {
      type: 'drift';
      environment: string;
      /** ISO 8601: when the earliest of these hosts was first seen drifting. */
      since: string;
      hosts: Array<{
        host: string;
        rollout: string;
        installed: Versions;
        expected: Record<string, string>;
        drift: string[];
        outOfRotation: boolean;
      }>;
    }
  | { type: 'invalid-spec'; commit: string; errors: string[] }
  | {
      type: 'run-failed';
      rollout: string;
      runId: string;
      commit: string;
      result: string;
      cause: 'commit' | 'self-heal';
    };

export type Notifier = (alert: Alert, signal?: AbortSignal) => Promise<Result<void>>;

const TIMEOUT_MS = 10_000;

/** The URL as logs may show it: a webhook URL often carries its token in the path or query. */
export function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(unparsable URL)';
  }
}

export function httpNotifier(url: string, options: { timeoutMs?: number } = {}): Notifier {
  const shown = redactUrl(url);
  return async (alert, signal) => {
    const timeout = AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'lieutenant-watch' },
        body: JSON.stringify(alert),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      // Drain the body so the connection is released.
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? okVoid : fail(`POST ${shown} answered ${response.status} ${response.statusText}`.trim());
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return fail(`POST ${shown} failed (${error instanceof Error ? error.message : String(error)}${cause})`);
    }
  };
}

/** Sends an alert when a notifier is configured; a failed POST becomes an event, never an error. */
export async function sendAlert(
  notify: Notifier | undefined,
  emit: (event: WatchEventBody) => void,
  alert: Alert,
): Promise<void> {
  if (!notify) return;
  const sent = await notify(alert);
  if (!sent.ok) emit({ type: 'notify.failed', message: sent.error.message });
}
