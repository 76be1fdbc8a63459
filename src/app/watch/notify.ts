/**
 * `--notify URL`: alerts as one JSON POST each, through the one webhook
 * sender (src/adapters/webhook). A receiver that is down or slow never stops
 * the watcher: a failed POST is a value the caller logs.
 */
import type { Result } from '../../core/result.js';
import { createWebhookSender, type SenderOptions } from '../../adapters/webhook/sender.js';

export { redactUrl } from '../../adapters/webhook/sender.js';
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
      cause: 'commit' | 'self-heal' | 'sync';
    }
  | {
      /** Manual sync: a new desired state waits for `lieutenant sync ENV`. Once per pending commit. */
      type: 'out-of-sync';
      environment: string;
      commit: string;
      subject: string;
      since: string;
      hostsToChange: number | null;
      rollouts: Array<{ rollout: string; hosts: string[]; batches: number }>;
      supersedes?: string;
      /** One line for chat (Slack's incoming webhooks show `text`). */
      text: string;
    };

export type Notifier = (alert: Alert, signal?: AbortSignal) => Promise<Result<void>>;

/** `--notify URL`: the same sender as the inventory's webhooks (bounded timeout and retries). */
export function httpNotifier(url: string, options: SenderOptions = {}): Notifier {
  const sender = createWebhookSender(url, { userAgent: 'lieutenant-watch', ...options });
  return (alert, signal) => sender.deliver(alert, signal);
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
