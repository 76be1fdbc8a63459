/**
 * The HTTP ends of a `watch` test: a local `--notify` receiver that keeps
 * every alert it is sent, and a GitHub-style push delivery to the webhook.
 */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AlertReceiver {
  url: string;
  /** Parsed JSON bodies, in arrival order. */
  alerts: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const alerts: Array<Record<string, unknown>> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      try {
        alerts.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end('not JSON');
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    alerts,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** POSTs a push payload for `after` on refs/heads/main, signed with `secret` (HMAC-SHA256 of the raw body). */
export async function deliverPush(
  url: string,
  options: { secret: string; after: string; deliveryId: string },
): Promise<{ status: number; text: string }> {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    after: options.after,
    repository: { full_name: 'ops/rollouts' },
  });
  const signature = `sha256=${createHmac('sha256', options.secret).update(body).digest('hex')}`;
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': options.deliveryId,
      'x-hub-signature-256': signature,
    },
  });
  return { status: response.status, text: (await response.text()).trim() };
}
