import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRuntimeClient } from './runtime-client.js';

// Stand-in runtime APIs on real sockets, each misbehaving the way HAProxy can
// under load or during a reload (HAProxy itself: haproxy.e2e.test.ts).
let dir: string;
const servers: Server[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lieutenant-runtime-client-'));
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  await rm(dir, { recursive: true, force: true });
});

/** Calls `onCommand` with each connection's first line; counts connections open at once. */
async function listen(
  onCommand: (line: string, socket: Socket, connection: number) => void,
  at: { path: string } | { host: string; port: number } = { path: join(dir, 'admin.sock') },
): Promise<{
  endpoint: { path: string } | { host: string; port: number };
  peak: () => number;
  connections: () => number;
}> {
  let open = 0;
  let peak = 0;
  let connections = 0;
  const server = createServer((socket) => {
    const connection = ++connections;
    open++;
    peak = Math.max(peak, open);
    // Like HAProxy, the server is done with a connection once it has sent the whole answer and closed its side.
    let done = false;
    const closed = () => {
      if (!done) open--;
      done = true;
    };
    socket.on('finish', closed);
    socket.on('close', closed);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) onCommand(buffered.slice(0, newline), socket, connection);
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(at, resolve));
  const endpoint = 'path' in at ? at : { host: at.host, port: (server.address() as AddressInfo).port };
  return { endpoint, peak: () => peak, connections: () => connections };
}

const fast = { firstMs: 10, maxMs: 50 };
/** TCP, where a peer can reset a connection (RST); any free port. */
const LOOPBACK = { host: '127.0.0.1', port: 0 };

describe('RuntimeClient', () => {
  it('given 50 commands at once, when sent through a client of 3 connections, then all are answered and never more than 3 are open', async () => {
    // Given: a socket that answers each command a little later, as HAProxy under load does.
    const socket = await listen((line, connection) => setTimeout(() => connection.end(`${line} done\n`), 5));
    const client = createRuntimeClient(socket.endpoint, { name: 'edge', maxConnections: 3 });

    // When
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.send(`set server app/web-${i} state drain`)),
    );

    // Then
    expect(answers.every((answer) => answer.ok)).toBe(true);
    expect(answers[7]).toEqual({ ok: true, value: 'set server app/web-7 state drain done\n' });
    expect(socket.peak()).toBe(3);
    expect(client.usage()).toEqual({ commands: 50, connections: 50, retries: 0, failures: 0, peakConnections: 3 });
  });

  it('given a socket that resets the first connections and cuts the next answer short, when a command is sent, then it is retried until answered', async () => {
    const socket = await listen((line, connection, n) => {
      if (n <= 2) connection.resetAndDestroy();
      else if (n === 3)
        connection.end('# pxname,svn'); // a cut line: short read
      else connection.end('# pxname,svname\napp,web-01\n\n');
    }, LOOPBACK);
    const client = createRuntimeClient(socket.endpoint, { name: 'edge', backoff: fast });

    const answer = await client.send('show stat app 4 -1');

    expect(answer).toEqual({ ok: true, value: '# pxname,svname\napp,web-01\n\n' });
    expect(client.usage()).toMatchObject({ commands: 1, connections: 4, retries: 3, failures: 0 });
  });

  it('given HAProxy refusing connections while it reloads, when a command is sent, then it is answered once HAProxy listens again', async () => {
    // Given: a port nobody listens on yet (as during a restart)…
    const placeholder = await listen(() => undefined, { host: '127.0.0.1', port: 0 });
    const port = 'port' in placeholder.endpoint ? placeholder.endpoint.port : 0;
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const client = createRuntimeClient({ host: '127.0.0.1', port }, { name: 'edge', backoff: fast });

    // …when a command is sent, and HAProxy comes back a moment later
    const answer = client.send('show info');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await listen((_line, connection) => connection.end('Pid: 42\n\n'), { host: '127.0.0.1', port });

    // Then
    expect(await answer).toEqual({ ok: true, value: 'Pid: 42\n\n' });
    expect(client.usage().retries).toBeGreaterThan(0);
  });

  it('given a socket that keeps refusing, when a command is sent, then it fails after the deadline, saying what the socket answered and what to check', async () => {
    const placeholder = await listen(() => undefined, { host: '127.0.0.1', port: 0 });
    const port = 'port' in placeholder.endpoint ? placeholder.endpoint.port : 0;
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const client = createRuntimeClient({ host: '127.0.0.1', port }, { name: 'edge', deadlineMs: 400, backoff: fast });

    const started = Date.now();
    const answer = await client.send('show info');
    const took = Date.now() - started;

    expect(answer.ok).toBe(false);
    if (!answer.ok)
      expect(answer.error.message).toMatch(
        new RegExp(
          `^edge: HAProxy runtime API at tcp://127.0.0.1:${port}: connection refused \\(ECONNREFUSED\\); HAProxy is not listening` +
            ` — still so after \\d+ attempts in 0\\.\\d s\\. Is HAProxy running\\? A reload does not take this long`,
        ),
      );
    expect(took).toBeGreaterThanOrEqual(300);
    expect(took).toBeLessThan(2_000);
    expect(client.usage()).toMatchObject({ commands: 1, failures: 1 });
  });

  it('given no socket file, when a command is sent, then it fails at once: a wrong path does not fix itself', async () => {
    const client = createRuntimeClient({ path: join(dir, 'missing.sock') }, { name: 'edge' });
    const answer = await client.send('show info');
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.message).toMatch(/missing\.sock: no such socket \(ENOENT\)/);
    expect(client.usage()).toMatchObject({ connections: 1, retries: 0, failures: 1 });
  });

  it('given a socket that never answers and one connection, when a second command waits past the deadline, then it fails naming maxConnections', async () => {
    const socket = await listen(() => undefined);
    const client = createRuntimeClient(socket.endpoint, {
      name: 'edge',
      maxConnections: 1,
      attemptTimeoutMs: 1_000,
      deadlineMs: 300,
    });

    const [first, second] = await Promise.all([client.send('show info'), client.send('show stat')]);

    expect(first.ok).toBe(false);
    if (!first.ok)
      expect(first.error.message).toMatch(
        /no complete answer to "show info" within 1000 ms — still so after 1 attempt in 1\.0 s\. HAProxy accepted but did not answer/,
      );
    expect(second.ok).toBe(false);
    if (!second.ok)
      expect(second.error.message).toMatch(
        /: "show stat" waited 300ms for one of its 1 connections \(loadBalancers\.edge\.maxConnections\) without getting one$/,
      );
    expect(socket.connections()).toBe(1);
  });

  it('given a command retrying against a refusing socket, when the signal aborts, then it ends at once as aborted', async () => {
    const socket = await listen((_line, connection) => connection.resetAndDestroy(), LOOPBACK);
    const client = createRuntimeClient(socket.endpoint, { name: 'edge', backoff: { firstMs: 5_000, maxMs: 5_000 } });
    const controller = new AbortController();

    const pending = client.send('show info', controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    const answer = await pending;

    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.message).toMatch(/aborted while retrying "show info" after: .*ECONNRESET/);
  });
});
