import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  /** What is awaited, for the timeout message ("web-01 sshd accepting"). */
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

type Ready<T> = Exclude<T, false | null | undefined>;

/**
 * Polls `check` until it returns a value other than false/null/undefined and
 * resolves with it. A check that throws counts as "not yet" and its error is
 * quoted if the deadline passes — so tests wait on conditions, never on sleeps.
 */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitOptions): Promise<Ready<T>> {
  const { what, timeoutMs = 30_000, intervalMs = 100, signal } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const value = await check();
      if (value !== false && value !== null && value !== undefined) return value as Ready<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    try {
      await delay(intervalMs, undefined, signal ? { signal } : undefined);
    } catch (error) {
      // Abort with the caller's reason ("host exited"), not the timer's generic AbortError.
      throw signal?.aborted ? signal.reason : error;
    }
  }
}
