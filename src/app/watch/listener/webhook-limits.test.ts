import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signBody, startWebhookServer, type WebhookOptions, type WebhookServer } from './webhook.js';

const SECRET = 'correct horse battery staple';
let server: WebhookServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.forEach((socket) => socket.destroy());
  sockets.length = 0;
  await server?.close();
  server = undefined;
});

async function serve(options: Partial<WebhookOptions>): Promise<WebhookServer> {
  server = await startWebhookServer({
    host: '127.0.0.1',
    port: 0,
    secret: SECRET,
    onPush: () => undefined,
    ...options,
  });
  return server;
}

/** A raw connection that sends `text` and then nothing; resolves with what came back when the server closes it. */
function slowClient(port: number, text: string): { closed: Promise<string>; socket: Socket } {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  socket.on('error', () => undefined);
  socket.write(text);
  return { socket, closed: new Promise((resolve) => socket.on('close', () => resolve(received))) };
}

describe('the webhook under slow or many connections', () => {
  it('Given a sender that never finishes its headers, When the header timeout passes, Then it is cut off soon after (not after Node’s 30 s check)', async () => {
    // Given a 300 ms header timeout
    const { port } = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const start = Date.now();
    // When a client sends half a request line and waits
    const answer = await slowClient(port, 'POST / HTTP/1.1\r\nHost: x\r\n').closed;
    // Then the server answered 408 and closed the connection within a few checks of the deadline
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - start).toBeLessThan(5_000);
  });

  it('Given a sender that never finishes its body, When the request timeout passes, Then it is cut off soon after', async () => {
    const { port } = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const start = Date.now();
    const headers = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nX-GitHub-Event: push\r\n\r\n';
    await slowClient(port, `${headers}{"ref":`).closed;
    expect(Date.now() - start).toBeLessThan(5_000);
  });

  it('Given the connection cap is reached, When one more connects, Then it is closed while the others stay open', async () => {
    // Given two connections held open under a cap of two
    const { port } = await serve({ maxConnections: 2, headersTimeoutMs: 10_000 });
    const held = [slowClient(port, 'POST / HTTP/1.1\r\n'), slowClient(port, 'POST / HTTP/1.1\r\n')];
    await Promise.all(held.map(({ socket }) => new Promise((resolve) => socket.once('connect', resolve))));
    // When a third connects
    await slowClient(port, 'POST / HTTP/1.1\r\n').closed;
    // Then it was closed, the first two were not
    expect(held.map(({ socket }) => socket.closed)).toEqual([false, false]);
  });

  it('Given a flood of badly signed requests, When they are refused, Then a few are reported one by one and the rest as one summary when the window ends', async () => {
    // Given a reporter allowing 3 reports per window
    const reported: { status: number; reason: string }[] = [];
    const { address, close } = await serve({
      rejectionReports: { perWindow: 3, windowMs: 60_000 },
      onRejected: (rejection) => reported.push(rejection),
    });
    // When 20 requests with a bad signature arrive
    for (let index = 0; index < 20; index++) {
      const response = await fetch(address, {
        method: 'POST',
        body: '{}',
        headers: { 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': signBody('wrong', '{}') },
      });
      expect(response.status).toBe(401);
    }
    await close(); // ends the window early: what was held back is summarised
    server = undefined;
    // Then 3 were reported, then one summary of the other 17
    expect(reported.map((rejection) => rejection.reason)).toEqual([
      'bad signature',
      'bad signature',
      'bad signature',
      '17 more request(s) refused in 60s, not reported one by one (the last: bad signature)',
    ]);
  });
});
