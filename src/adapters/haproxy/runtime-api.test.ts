import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runtimeError, sendCommand } from './runtime-api.js';

// A stand-in runtime API on a real unix socket, to exercise the transport
// (HAProxy itself is exercised in haproxy.e2e.test.ts).
let dir: string;
let server: Server | undefined;
const received: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lieutenant-runtime-api-'));
  received.length = 0;
});

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function listen(onLine: (line: string, socket: Socket) => void): Promise<string> {
  const path = join(dir, 'admin.sock');
  server = createServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        received.push(line);
        onLine(line, socket);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server?.listen(path, resolve));
  return path;
}

const options = { name: 'edge', timeoutMs: 2_000 };

describe('sendCommand', () => {
  it('given a server that answers in pieces then closes, when a command is sent, then the whole answer comes back', async () => {
    const path = await listen((_line, socket) => {
      socket.write('# pxname,svname\n');
      setImmediate(() => socket.end('app,web-01\n\n'));
    });

    const answer = await sendCommand({ path }, 'show stat app 4 -1', options);

    expect(answer).toEqual({ ok: true, value: '# pxname,svname\napp,web-01\n\n' });
    expect(received).toEqual(['show stat app 4 -1']);
  });

  it('given no socket file, when a command is sent, then the failure names the load balancer and ENOENT', async () => {
    const answer = await sendCommand({ path: join(dir, 'missing.sock') }, 'show info', options);
    expect(answer.ok).toBe(false);
    if (!answer.ok)
      expect(answer.error.message).toMatch(/^edge: HAProxy runtime API at .*missing\.sock: no such socket \(ENOENT\)/);
  });

  it('given a closed TCP port, when a command is sent, then the failure says connection refused', async () => {
    const answer = await sendCommand({ host: '127.0.5.240', port: 9 }, 'show info', options);
    expect(answer.ok).toBe(false);
    if (!answer.ok)
      expect(answer.error.message).toBe(
        'edge: HAProxy runtime API at tcp://127.0.5.240:9: connection refused (ECONNREFUSED); HAProxy is not listening',
      );
  });

  it('given a file that is not a socket, when a command is sent, then it is a failure value, not an exception', async () => {
    const path = join(dir, 'plain-file');
    await writeFile(path, '');
    const answer = await sendCommand({ path }, 'show info', options);
    expect(answer.ok).toBe(false);
  });

  it('given a server that never answers, when the timeout passes, then the failure says so', async () => {
    const path = await listen(() => undefined);
    const answer = await sendCommand({ path }, 'show info', { name: 'edge', timeoutMs: 100 });
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.message).toMatch(/no complete answer to "show info" within 100 ms$/);
  });

  it('given a server that never answers, when the signal aborts, then the command ends at once as aborted', async () => {
    const path = await listen(() => undefined);
    const controller = new AbortController();
    const pending = sendCommand({ path }, 'show info', { name: 'edge', timeoutMs: 60_000, signal: controller.signal });
    setImmediate(() => controller.abort());
    const answer = await pending;
    expect(answer.ok).toBe(false);
    if (!answer.ok) expect(answer.error.message).toMatch(/aborted during "show info"$/);
  });

  it.each([
    'set server app/web-01 state ready; shutdown sessions server app/web-02',
    'show info\nshutdown frontend fe',
    'show stat \\',
  ])(
    'given a command that could smuggle a second one (%j), when sent, then nothing reaches the socket',
    async (command) => {
      const path = await listen((_line, socket) => socket.end('\n'));
      const answer = await sendCommand({ path }, command, options);
      expect(answer.ok).toBe(false);
      expect(received).toEqual([]);
    },
  );
});

describe('runtimeError', () => {
  it.each([
    [
      'Unknown command, but maybe one of the following ones is a better match:\n  add acl',
      'Unknown command, but maybe one of the following ones is a better match:',
    ],
    ['No such server.\n\n', 'No such server.'],
    ["Can't find backend.\n", "Can't find backend."],
    [
      "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n",
      "'set server <srv> state' expects 'ready', 'drain' and 'maint'.",
    ],
  ])('given HAProxy answering %j, then it is read as an error', (answer, reason) => {
    expect(runtimeError(answer)).toBe(reason);
  });

  it('given an empty answer or a table, then it is not an error', () => {
    expect(runtimeError('\n')).toBeUndefined();
    expect(runtimeError('# pxname,svname\n')).toBeUndefined();
  });
});
