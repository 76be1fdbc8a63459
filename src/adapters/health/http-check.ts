/**
 * An http health check: one GET, the status must equal the expected one and,
 * when asked, the body must contain a substring. Could not ask → `error`;
 * asked and the answer was wrong → `fail`.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Measurement } from '../../engine/index.js';
import type { HealthCheckTarget } from '../../spec/model.js';
import { formatDuration } from '../../spec/duration.js';

type HttpCheck = Extract<HealthCheckTarget, { kind: 'http' }>;

/** A health page is small; reading more would only slow the gate down. */
const MAX_BODY_BYTES = 1024 * 1024;

export function measureHttp(check: HttpCheck, signal?: AbortSignal): Promise<Measurement> {
  let url: URL;
  try {
    url = new URL(check.url);
  } catch {
    return Promise.resolve({ phase: 'error', reason: `not a URL: ${check.url}` });
  }
  if (signal?.aborted) return Promise.resolve({ phase: 'error', reason: 'aborted' });

  return new Promise((resolve) => {
    let settled = false;
    const finish = (measurement: Measurement): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(measurement);
    };
    const onAbort = (): void => finish({ phase: 'error', reason: 'aborted' });
    // One deadline for connect, status and body alike.
    const timer = setTimeout(
      () => finish({ phase: 'error', reason: `no answer within ${formatDuration(check.timeoutMs)}` }),
      check.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });

    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // agent: false — a fresh connection each time, so a round measures the server, not a pooled socket.
    const req = request(url, { method: 'GET', agent: false, headers: { 'user-agent': 'lieutenant-health' } }, (res) =>
      readBody(res, check, finish),
    );
    req.on('error', (error) => finish({ phase: 'error', reason: error.message }));
    req.end();
  });
}

function readBody(res: IncomingMessage, check: HttpCheck, finish: (m: Measurement) => void): void {
  const status = res.statusCode ?? 0;
  if (status !== check.status) {
    res.resume();
    finish({ phase: 'fail', reason: `HTTP ${status} (wanted ${check.status})` });
    return;
  }
  if (check.bodyContains === undefined) {
    res.resume();
    finish({ phase: 'pass', detail: `HTTP ${status}` });
    return;
  }
  const wanted = check.bodyContains;
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    if (size < MAX_BODY_BYTES) chunks.push(chunk);
    size += chunk.length;
  });
  res.on('error', (error) => finish({ phase: 'error', reason: error.message }));
  res.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    finish(
      body.includes(wanted)
        ? { phase: 'pass', detail: `HTTP ${status}, body has ${JSON.stringify(wanted)}` }
        : { phase: 'fail', reason: `body lacks ${JSON.stringify(wanted)}` },
    );
  });
}
