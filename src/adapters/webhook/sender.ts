/**
 * The one webhook sender, for runs (inventory `notifications`) and for
 * `watch --notify`: a JSON POST, each attempt bounded by a timeout, a failed
 * or refused attempt tried again a bounded number of times with backoff.
 * It never throws: what could not be delivered is a `Result` the caller
 * logs, and the URL (which may carry a token) is never shown whole.
 */
import { withTimeout } from '../../core/abort.js';
import { fail, okVoid, type Result } from '../../core/result.js';

export interface SenderOptions {
  /** Per attempt: connect, send, read the status. */
  timeoutMs?: number;
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Before attempt n+1: backoffMs · 2^(n-1). */
  backoffMs?: number;
  userAgent?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface WebhookSender {
  /** What logs may show: origin only. */
  readonly shown: string;
  deliver(body: unknown, signal?: AbortSignal): Promise<Result<void>>;
}

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 500;

/** The URL as logs may show it: a webhook URL often carries its token in the path or query. */
export function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(unparsable URL)';
  }
}

const sleepFor = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export function createWebhookSender(url: string, options: SenderOptions = {}): WebhookSender {
  const shown = redactUrl(url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  const post = options.fetch ?? fetch;
  const sleep = options.sleep ?? sleepFor;

  async function attempt(text: string, signal?: AbortSignal): Promise<Result<void> & { retry?: boolean }> {
    const bounded = withTimeout(signal, timeoutMs);
    try {
      const response = await post(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': options.userAgent ?? 'lieutenant' },
        body: text,
        signal: bounded.signal,
      });
      // Drain the body so the connection is released.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return okVoid;
      // A 4xx other than 408/429 will not get better by asking again.
      const retry = response.status >= 500 || response.status === 408 || response.status === 429;
      return { ...fail(`POST ${shown} answered ${response.status} ${response.statusText}`.trim()), retry };
    } catch (error) {
      if (bounded.timedOut()) return { ...fail(`POST ${shown}: no answer within ${timeoutMs} ms`), retry: true };
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return {
        ...fail(`POST ${shown} failed (${error instanceof Error ? error.message : String(error)}${cause})`),
        retry: true,
      };
    } finally {
      bounded.dispose();
    }
  }

  return {
    shown,
    async deliver(body, signal) {
      const text = JSON.stringify(body);
      let last: Result<void> = okVoid;
      for (let n = 1; n <= attempts; n++) {
        const result = await attempt(text, signal);
        if (result.ok) return okVoid;
        last = result.retry ? fail(`${result.error.message} (attempt ${n} of ${attempts})`) : result;
        if (!result.retry || signal?.aborted || n === attempts) break;
        await sleep(backoffMs * 2 ** (n - 1), signal);
      }
      return last.ok ? okVoid : fail(last.error.message);
    },
  };
}
