import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SshSettings } from '../../spec/model.js';
import { createRemoteShells } from './remote-shells.js';

// Real sockets that are not SSH servers: what a host with a hung or wrong service looks like.
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.destroy());
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const settings = (port: number, overrides: Partial<SshSettings> = {}): SshSettings => ({
  user: 'root',
  port,
  identityFile: undefined,
  knownHosts: '/nonexistent/known_hosts',
  hostKeyPolicy: 'strict',
  become: 'none',
  connectTimeoutMs: 300,
  commandTimeoutMs: 1_000,
  keepaliveIntervalMs: 1_000,
  maxHandshakes: 10,
  ...overrides,
});
const host = { name: 'web-01', address: '127.0.0.1', group: 'web', lbServer: 'web-01' };
const env = { SSH_AUTH_SOCK: '/nonexistent/agent.sock' };

describe('createRemoteShells connection failures', () => {
  it('Given a server that accepts but never speaks SSH, When connecting, Then it fails after connectTimeout naming the host', async () => {
    const port = await listen(() => {});
    const started = Date.now();
    const result = await createRemoteShells(settings(port), { sshConfigPath: '/dev/null', env }).connect(host);
    expect(result).toEqual({
      ok: false,
      error: { message: `web-01 (127.0.0.1:${port}): no SSH handshake within 300ms on 127.0.0.1:${port}` },
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('Given a server that hangs up at once, When connecting, Then the failure is a value, not an exception', async () => {
    const port = await listen((socket) => socket.end());
    const result = await createRemoteShells(settings(port), { sshConfigPath: '/dev/null', env }).connect(host);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/^web-01 \(127\.0\.0\.1:\d+\): /);
  });

  it('Given an abort during the handshake, When connecting, Then it returns aborted promptly', async () => {
    const port = await listen(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const shells = createRemoteShells(settings(port, { connectTimeoutMs: 10_000 }), {
      sshConfigPath: '/dev/null',
      env,
    });
    const started = Date.now();
    expect(await shells.connect(host, controller.signal)).toEqual({
      ok: false,
      error: { message: `web-01 (127.0.0.1:${port}): connection aborted` },
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('Given a missing identity file, When connecting, Then it fails naming the file before any network traffic', async () => {
    let connections = 0;
    const port = await listen(() => connections++);
    const result = await createRemoteShells(settings(port, { identityFile: '/nonexistent/id_ed25519' }), {
      sshConfigPath: '/dev/null',
    }).connect(host);
    expect(result).toEqual({
      ok: false,
      error: {
        message: `web-01 (127.0.0.1:${port}): cannot read the SSH identity file /nonexistent/id_ed25519 (ENOENT)`,
      },
    });
    expect(connections).toBe(0);
  });
});

describe('createRemoteShells handshake cap', () => {
  it('Given 6 hosts and maxHandshakes 2, When all connect at once to a server that never answers, Then it never sees more than 2 handshakes at a time', async () => {
    // Given a server that holds every connection until the test hangs it up
    const live: Socket[] = [];
    let arrivals = 0;
    let most = 0;
    const port = await listen((socket) => {
      arrivals += 1;
      live.push(socket);
      most = Math.max(most, live.length);
    });
    const shells = createRemoteShells(settings(port, { connectTimeoutMs: 20_000, maxHandshakes: 2 }), {
      sshConfigPath: '/dev/null',
      env,
    });
    // When 6 hosts connect at once
    const names = ['web-01', 'web-02', 'web-03', 'web-04', 'web-05', 'web-06'];
    const results = Promise.all(names.map((name) => shells.connect({ ...host, name, lbServer: name })));
    // …and the server hangs up on the oldest handshake each time another arrives
    for (let seen = 2; seen <= names.length; seen++) {
      await vi.waitFor(() => expect(arrivals).toBe(Math.min(seen, names.length)), { timeout: 10_000, interval: 5 });
      if (seen === names.length) break;
      live.shift()?.destroy();
    }
    live.splice(0).forEach((socket) => socket.destroy());
    // Then every host got its attempt, never more than 2 at a time
    expect((await results).map((result) => result.ok)).toEqual(names.map(() => false));
    expect(arrivals).toBe(6);
    expect(most).toBe(2);
  });

  it('Given a connect queued behind a full cap, When it is aborted, Then it returns aborted at once', async () => {
    const port = await listen(() => {});
    const shells = createRemoteShells(settings(port, { connectTimeoutMs: 20_000, maxHandshakes: 1 }), {
      sshConfigPath: '/dev/null',
      env,
    });
    const holding = new AbortController();
    void shells.connect(host, holding.signal);
    const queued = new AbortController();
    const waiting = shells.connect({ ...host, name: 'web-02', lbServer: 'web-02' }, queued.signal);
    queued.abort();
    expect(await waiting).toEqual({
      ok: false,
      error: { message: `web-02 (127.0.0.1:${port}): connection aborted` },
    });
    holding.abort();
  });
});
