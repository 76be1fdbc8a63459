/**
 * `watch --secret-file FILE`: the webhook secret lives in a file, never on the
 * command line (where `ps` shows it) and never in logs. Trailing newlines an
 * editor adds are trimmed.
 */
import { readFile, stat } from 'node:fs/promises';
import { fail, ok } from '../../../core/result.js';
import type { Result } from '../../../core/result.js';

export interface WebhookSecret {
  secret: string;
  /** Set when others may read the file; the caller shows it. */
  warning?: string;
}

export async function readWebhookSecret(path: string): Promise<Result<WebhookSecret>> {
  let text: string;
  let mode: number;
  try {
    [text, { mode }] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return fail(`cannot read the webhook secret file ${path} (${code})`);
  }
  const secret = text.trim();
  if (secret === '') return fail(`the webhook secret file ${path} is empty`);
  return (mode & 0o077) === 0
    ? ok({ secret })
    : ok({ secret, warning: `the webhook secret file ${path} is readable by others; chmod 600 it` });
}
