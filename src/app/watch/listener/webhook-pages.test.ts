import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookServer, type WebhookServer } from './webhook.js';

describe('the webhook listener serves read-only pages to GET', () => {
  let server: WebhookServer;
  let rejected: number[];
  let stopping: boolean;

  beforeEach(async () => {
    rejected = [];
    stopping = false;
    server = await startWebhookServer({
      host: '127.0.0.1',
      port: 0,
      secret: 'a secret',
      onPush: () => {},
      onRejected: ({ status }) => rejected.push(status),
      stopping: () => stopping,
      pages: {
        '/metrics': () => Promise.resolve({ status: 200, contentType: 'text/plain; version=0.0.4', body: 'up 1\n' }),
        '/healthz': () =>
          Promise.resolve({ status: 503, contentType: 'application/json', body: '{"status":"stalled"}\n' }),
      },
    });
  });
  afterEach(() => server.close());

  it('Given pages /metrics and /healthz, When fetched (with a query), Then their status, type and body, never cached', async () => {
    const metrics = await fetch(new URL('/metrics?name[]=up', server.address));
    const health = await fetch(new URL('/healthz', server.address));

    expect([metrics.status, metrics.headers.get('content-type'), await metrics.text()]).toEqual([
      200,
      'text/plain; version=0.0.4',
      'up 1\n',
    ]);
    expect(metrics.headers.get('cache-control')).toBe('no-store');
    expect([health.status, await health.json()]).toEqual([503, { status: 'stalled' }]);
    expect(rejected).toEqual([]);
  });

  it('Given the pages, When a path that is no page is fetched (an inherited name too), or a page is POSTed unsigned, Then refused as before', async () => {
    const other = await fetch(new URL('/other', server.address));
    const inherited = await fetch(new URL('/constructor', server.address));
    const posted = await fetch(new URL('/metrics', server.address), { method: 'POST', body: '{}' });

    expect([other.status, inherited.status, posted.status]).toEqual([405, 405, 401]);
    expect(rejected).toEqual([405, 405, 401]);
  });

  it('Given the watcher is stopping, When a delivery arrives, Then 503 before anything else is looked at (GitHub can redeliver it); the pages still answer', async () => {
    stopping = true;

    const delivery = await fetch(server.address, { method: 'POST', body: '{}' });
    const metrics = await fetch(new URL('/metrics', server.address));

    expect([delivery.status, await delivery.text()]).toEqual([503, 'stopping: redeliver later\n']);
    expect(metrics.status).toBe(200);
  });
});
