import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpNotifier, redactUrl, type Alert } from './notify.js';

const alert: Alert = {
  type: 'invalid-spec',
  commit: 'a'.repeat(40),
  errors: ['playbooks/web.yaml:3:5: unknown key "batchez"'],
};

describe('httpNotifier (a real local HTTP receiver)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (!server) return;
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
    server = undefined;
  });

  const receiver = async (answer: (req: IncomingMessage, res: ServerResponse, body: string) => void) => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => answer(req, res, body));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it('given a receiver, then the alert arrives as one JSON POST', async () => {
    const received: Array<{ method?: string; type?: string; body: unknown }> = [];
    const url = await receiver((req, res, body) => {
      received.push({ method: req.method, type: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(204).end();
    });

    const sent = await httpNotifier(`${url}/hooks/lieutenant`)(alert);

    expect(sent).toEqual({ ok: true, value: undefined });
    expect(received).toEqual([{ method: 'POST', type: 'application/json', body: alert }]);
  });

  it('given a receiver that answers 500, then a failure value names the status but not the secret path', async () => {
    const url = await receiver((_req, res) => res.writeHead(500).end('no'));

    const sent = await httpNotifier(`${url}/services/T000/B000/s3cr3t-token`, { backoffMs: 10 })(alert);

    expect(sent.ok).toBe(false);
    if (!sent.ok) {
      expect(sent.error.message).toBe(`POST ${url}/… answered 500 Internal Server Error (attempt 3 of 3)`);
      expect(sent.error.message).not.toContain('s3cr3t');
    }
  });

  it('given nobody listening, then a failure value, not an exception', async () => {
    const url = await receiver((_req, res) => res.end());
    server?.close();
    await once(server!, 'close');
    server = undefined;

    const sent = await httpNotifier(`${url}/alerts?token=s3cr3t`, { backoffMs: 10 })(alert);

    expect(sent.ok).toBe(false);
    if (!sent.ok) {
      expect(sent.error.message).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/… failed \(.*ECONNREFUSED/);
      expect(sent.error.message).not.toContain('s3cr3t');
    }
  });

  it('given a receiver that never answers, then the POST gives up after its timeout', async () => {
    const url = await receiver(() => {});

    const sent = await httpNotifier(url, { timeoutMs: 200, attempts: 2, backoffMs: 10 })(alert);

    expect(sent.ok).toBe(false);
    if (!sent.ok) expect(sent.error.message).toMatch(/no answer within 200 ms \(attempt 2 of 2\)/);
  });

  it('given a receiver that fails twice then takes it, then the alert is delivered on the third attempt', async () => {
    let requests = 0;
    const url = await receiver((_req, res) => res.writeHead(++requests < 3 ? 503 : 204).end());

    const sent = await httpNotifier(url, { backoffMs: 10 })(alert);

    expect(sent).toEqual({ ok: true, value: undefined });
    expect(requests).toBe(3);
  });

  it('given a receiver that refuses the request (400), then it is not asked again', async () => {
    let requests = 0;
    const url = await receiver((_req, res) => res.writeHead(++requests && 400).end());

    const sent = await httpNotifier(url, { backoffMs: 10 })(alert);

    expect(sent.ok).toBe(false);
    expect(requests).toBe(1);
  });

  it('redacts a URL down to its origin', () => {
    expect(redactUrl('https://hooks.example.test/services/T/B/xyz?token=1')).toBe('https://hooks.example.test/…');
    expect(redactUrl('not a url')).toBe('(unparsable URL)');
  });
});
