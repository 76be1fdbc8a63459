/**
 * The `watch` webhook: GitHub-style `push` deliveries, signed with the shared
 * secret (X-Hub-Signature-256: HMAC-SHA256 of the raw body). Nothing runs for
 * a delivery whose signature does not verify; a delivery id seen before is
 * ignored, since GitHub redelivers. The secret is never logged or echoed.
 * Slow or many connections are bounded (WEBHOOK_LIMITS), and so is the
 * number of refusals reported one by one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rejectionLog } from './rejection-log.js';

export interface PushNotice {
  deliveryId: string;
  /** e.g. refs/heads/main */
  ref: string;
  /** The pushed commit. */
  after: string;
  /** owner/name when the payload says so. */
  repository: string | undefined;
}

export interface WebhookOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  secret: string;
  onPush: (push: PushNotice) => void;
  /** A request refused (bad signature, not a push payload…), so the operator sees it; never carries the secret. */
  onRejected?: (rejection: { status: number; reason: string }) => void;
  /** Larger bodies are refused with 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** How many delivery ids are remembered for de-duplication. Default 1000. */
  rememberDeliveries?: number;
  /** A request whose headers have not all arrived by then is refused (408). Default 10 s. */
  headersTimeoutMs?: number;
  /** A request not fully received (headers and body) by then is refused (408). Default 10 s. */
  requestTimeoutMs?: number;
  /** Connections open at once; more are closed as they arrive. Default 64. */
  maxConnections?: number;
  /** Refusals reported one by one per window, the rest as one summary. Default 10 per 60 s. */
  rejectionReports?: { perWindow: number; windowMs: number };
  /** Read-only pages answered to GET, by path (`/metrics`, `/healthz`); no signature asked, nothing changes. */
  pages?: Readonly<Record<string, () => Promise<Page>>>;
  /** True once the watcher stops: deliveries get 503, so GitHub reports them failed and they can be redelivered. */
  stopping?: () => boolean;
}

export interface Page {
  status: number;
  contentType: string;
  body: string;
}

export const WEBHOOK_LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  maxConnections: 64,
  rejectionReports: { perWindow: 10, windowMs: 60_000 },
} as const;

export interface WebhookServer {
  /** http://HOST:PORT/ */
  address: string;
  port: number;
  close(): Promise<void>;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

export async function startWebhookServer(options: WebhookOptions): Promise<WebhookServer> {
  const secret = options.secret.trim();
  if (secret === '') throw new Error('the webhook secret is empty');
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const remember = options.rememberDeliveries ?? 1000;
  // Insertion-ordered, so the oldest id is forgotten first.
  const seen = new Set<string>();

  const rejections = rejectionLog(options.onRejected, options.rejectionReports ?? WEBHOOK_LIMITS.rejectionReports);
  const refuse = (res: ServerResponse, status: number, reason: string, headers: Record<string, string> = {}): void => {
    rejections.report({ status, reason });
    reply(res, status, reason, headers);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = pathOf(req);
    // Own keys only: GET /constructor is not a page.
    const page =
      req.method === 'GET' && options.pages && Object.hasOwn(options.pages, path) ? options.pages[path] : undefined;
    if (page !== undefined) return servePage(res, await page());
    if (req.method !== 'POST') return refuse(res, 405, 'POST only', { Allow: 'POST' });
    if (options.stopping?.() === true) return reply(res, 503, 'stopping: redeliver later', { Connection: 'close' });
    const body = await readBody(req, maxBody);
    if (body === 'too-large') return refuse(res, 413, `body larger than ${maxBody} bytes`, { Connection: 'close' });
    if (!signatureMatches(secret, body, req.headers['x-hub-signature-256'])) return refuse(res, 401, 'bad signature');

    const event = header(req, 'x-github-event');
    if (event === 'ping') return reply(res, 200, 'pong');
    if (event !== 'push') return reply(res, 202, `ignored ${event ?? 'unnamed'} event`);
    const deliveryId = header(req, 'x-github-delivery');
    if (deliveryId === undefined) return refuse(res, 400, 'missing X-GitHub-Delivery');
    if (seen.has(deliveryId)) return reply(res, 200, 'duplicate delivery');

    const push = parsePush(body, header(req, 'content-type'));
    if (push === undefined) return refuse(res, 400, 'not a push payload (need "ref" and "after")');
    seen.add(deliveryId);
    if (seen.size > remember) seen.delete(seen.values().next().value as string);
    options.onPush({ deliveryId, ...push });
    return reply(res, 202, 'queued');
  };

  const headersTimeout = options.headersTimeoutMs ?? WEBHOOK_LIMITS.headersTimeoutMs;
  const requestTimeout = Math.max(headersTimeout, options.requestTimeoutMs ?? WEBHOOK_LIMITS.requestTimeoutMs);
  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      // Node checks these deadlines only this often (30 s by default): a 10 s limit was enforced after ~30-60 s.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    (req, res) => {
      handle(req, res).catch(() => reply(res, 500, 'internal error'));
    },
  );
  server.maxConnections = options.maxConnections ?? WEBHOOK_LIMITS.maxConnections;
  server.listen(options.port, options.host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error))]);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    address: `http://${host}:${port}/`,
    port,
    close: async () => {
      rejections.close();
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Constant-time comparison of `sha256=<hex>` with the HMAC of the raw body. */
export function signatureMatches(secret: string, body: Buffer, signature: string | string[] | undefined): boolean {
  if (typeof signature !== 'string') return false;
  const hex = SIGNATURE.exec(signature.trim())?.[1];
  if (hex === undefined) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}

/** What a sender puts in X-Hub-Signature-256 (tests, scripts). */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function parsePush(body: Buffer, contentType: string | undefined): Omit<PushNotice, 'deliveryId'> | undefined {
  let payload: unknown;
  try {
    const text = body.toString('utf8');
    // GitHub sends either JSON or a form with the JSON in `payload`.
    const json = contentType?.startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(text).get('payload')
      : text;
    payload = JSON.parse(json ?? '');
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { ref, after, repository } = payload as Record<string, unknown>;
  if (typeof ref !== 'string' || typeof after !== 'string' || !SHA.test(after)) return undefined;
  const fullName =
    typeof repository === 'object' && repository !== null && 'full_name' in repository
      ? repository.full_name
      : undefined;
  return { ref, after, repository: typeof fullName === 'string' ? fullName : undefined };
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > max) {
      req.resume(); // discard it; the reply closes the connection
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) {
        chunks.push(chunk);
        return;
      }
      // Stop keeping it, but keep draining so the 413 reaches the sender.
      req.off('data', onData);
      req.resume();
      resolve('too-large');
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The path without its query (`/metrics?x=1` is `/metrics`). */
function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

function servePage(res: ServerResponse, page: Page): void {
  res.writeHead(page.status, { 'Content-Type': page.contentType, 'Cache-Control': 'no-store' });
  res.end(page.body);
}

function reply(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${text}\n`);
}
