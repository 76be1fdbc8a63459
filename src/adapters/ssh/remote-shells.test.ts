import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
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
