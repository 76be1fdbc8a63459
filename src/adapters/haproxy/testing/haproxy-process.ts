/**
 * A real HAProxy for the adapter's end-to-end tests, on the e2e fleet's
 * loopback range (LIEUTENANT_FLEET_PREFIX, else 127.0.5.x for the first e2e
 * worker and 127.0.6.x for the second; other ports than the fleet's), in front of small node HTTP servers started in the test process —
 * so a test can hold a request open on a chosen server and watch HAProxy count
 * the session. Its `stats socket` lines are stock (no `maxconn`: HAProxy then
 * serves 10 connections at once on each), as most operators' are.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../../../test/fleet/wait.js';
import { sendCommand } from '../runtime-api.js';

const PREFIX = process.env.LIEUTENANT_FLEET_PREFIX ?? `127.0.${4 + Number(process.env.VITEST_POOL_ID ?? '1')}`;
export const VIP = `${PREFIX}.250`;
export const FRONTEND_PORT = 18080;
export const RUNTIME_API_PORT = 19999;
export const BACKEND_PORT = 8081;
export const BACKEND = 'app';

export interface HeldRequest {
  server: string;
  release(): void;
}

export interface TestHaproxy {
  dir: string;
  socket: string;
  tcp: { host: string; port: number };
  servers: string[];
  /** Requests being held open by a backend (`GET /hold`), in arrival order. */
  held: HeldRequest[];
  /** One request through the frontend: which server answered, and the HTTP status. */
  get(path: string): Promise<{ status: number; body: string }>;
  /** Stops (or restarts) one backend's listener, so HAProxy's checks fail (or pass) for real. */
  stopBackend(server: string): Promise<void>;
  startBackend(server: string): Promise<void>;
  /** HAProxy itself stopped (its socket file left behind, as HAProxy does), the backends left running… */
  stopHaproxy(): Promise<void>;
  /** …and started again: a new process on the same configuration. */
  startHaproxy(): Promise<void>;
  /** HAProxy's pid now. */
  pid(): number;
  stop(): Promise<void>;
}

function config(dir: string, servers: string[]): string {
  const lines = servers.map((name, i) => `  server ${name} ${PREFIX}.${11 + i}:${BACKEND_PORT} check`);
  return `global
  stats socket ${join(dir, 'admin.sock')} mode 600 level admin
  stats socket ipv4@${VIP}:${RUNTIME_API_PORT} level admin
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  timeout check 1s
frontend web
  bind ${VIP}:${FRONTEND_PORT}
  default_backend ${BACKEND}
backend ${BACKEND}
  balance roundrobin
  option httpchk GET /health
  default-server inter 100ms fastinter 100ms downinter 100ms rise 2 fall 2
${lines.join('\n')}
`;
}

export async function startTestHaproxy(servers = ['web-01', 'web-02', 'web-03']): Promise<TestHaproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'lieutenant-haproxy-'));
  const held: HeldRequest[] = [];
  const backends = new Map<string, Server>();

  const backendFor = (server: string): Server =>
    createServer((req, res: ServerResponse) => {
      if (req.url === '/hold') {
        held.push({ server, release: () => res.end(`held by ${server}`) });
        return;
      }
      res.end(server);
    });
  const address = (server: string): string => `${PREFIX}.${11 + servers.indexOf(server)}`;
  const startBackend = async (server: string): Promise<void> => {
    const backend = backendFor(server);
    await new Promise<void>((resolve) => backend.listen(BACKEND_PORT, address(server), resolve));
    backends.set(server, backend);
  };
  const stopBackend = async (server: string): Promise<void> => {
    const backend = backends.get(server);
    backends.delete(server);
    backend?.closeAllConnections();
    await new Promise((resolve) => (backend ? backend.close(resolve) : resolve(undefined)));
  };
  for (const server of servers) await startBackend(server);

  await writeFile(join(dir, 'haproxy.cfg'), config(dir, servers));
  const socket = join(dir, 'admin.sock');
  let haproxy: RunningProcess | undefined;
  const stop = async (): Promise<void> => {
    await haproxy?.stop();
    for (const server of [...backends.keys()]) await stopBackend(server);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    haproxy = await startHaproxyProcess(dir, socket);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    dir,
    socket,
    tcp: { host: VIP, port: RUNTIME_API_PORT },
    servers,
    held,
    get: (path) =>
      new Promise((resolve, reject) => {
        const req = request({ host: VIP, port: FRONTEND_PORT, path, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      }),
    stopBackend,
    startBackend,
    stopHaproxy: async () => {
      await haproxy?.stop();
      haproxy = undefined;
    },
    startHaproxy: async () => {
      haproxy ??= await startHaproxyProcess(dir, socket);
    },
    pid: () => haproxy?.pid ?? 0,
    stop,
  };
}

interface RunningProcess {
  pid: number;
  stop(): Promise<void>;
}

/** HAProxy in the foreground (-db), its runtime API answering. */
async function startHaproxyProcess(dir: string, socket: string): Promise<RunningProcess> {
  let output = '';
  const child: ChildProcess = spawn('haproxy', ['-f', join(dir, 'haproxy.cfg'), '-db'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`haproxy exited ${child.exitCode}: ${output}`);
        const answer = await sendCommand({ path: socket }, 'show info', { name: 'test', timeoutMs: 1_000 });
        return answer.ok && answer.value.includes(`Pid: ${child.pid}`);
      },
      { what: 'the test HAProxy runtime API', timeoutMs: 10_000, intervalMs: 50 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid ?? 0, stop };
}
