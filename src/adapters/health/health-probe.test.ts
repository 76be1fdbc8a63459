import { createServer as createHttpServer } from 'node:http';
import type { RequestListener } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecOutput, RemoteShell } from '../../engine/index.js';
import { fail, ok } from '../../core/result.js';
import type { Result } from '../../core/result.js';
import type { HealthCheckTarget, HostTarget } from '../../spec/model.js';
import { createHealthProbe } from './index.js';

// Real servers on this helper's own loopback range (127.0.5.x), on free ports.
const ADDRESS = '127.0.5.21';
const host: HostTarget = { name: 'web-01', address: ADDRESS, group: 'web', lbServer: 'web-01' };
const servers: Server[] = [];
const probe = createHealthProbe();
const noShell: RemoteShell = { host: 'web-01', exec: async () => fail('no shell in this test') };

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, ADDRESS, resolve));
  return (server.address() as AddressInfo).port;
}

const serveHttp = (handler: RequestListener) => listen(createHttpServer(handler));

/** A port that was just in use and is now closed: connecting is refused. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  servers.splice(servers.indexOf(server), 1);
  return port;
}

const httpCheck = (
  port: number,
  overrides: Partial<Extract<HealthCheckTarget, { kind: 'http' }>> = {},
): HealthCheckTarget => ({
  kind: 'http',
  url: `http://${ADDRESS}:${port}/health`,
  status: 200,
  bodyContains: undefined,
  timeoutMs: 2_000,
  ...overrides,
});

describe('http checks', () => {
  it('given a server answering 200 with the version, when measured with bodyContains, then it passes', async () => {
    const paths: string[] = [];
    const port = await serveHttp((req, res) => {
      paths.push(req.url ?? '');
      res.end('demo 1.1 ok');
    });
    const measurement = await probe.measure(httpCheck(port, { bodyContains: '1.1' }), host, noShell);
    expect(measurement.phase).toBe('pass');
    expect(paths).toEqual(['/health']);
  });

  it('given a server answering 500, when measured, then it fails saying what it got and wanted', async () => {
    const port = await serveHttp((_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    expect(await probe.measure(httpCheck(port), host, noShell)).toEqual({
      phase: 'fail',
      reason: 'HTTP 500 (wanted 200)',
    });
  });

  it('given a body with the wrong version, when measured, then it fails naming the missing text', async () => {
    const port = await serveHttp((_req, res) => res.end('demo 1.0 ok'));
    expect(await probe.measure(httpCheck(port, { bodyContains: '1.1' }), host, noShell)).toEqual({
      phase: 'fail',
      reason: 'body lacks "1.1"',
    });
  });

  it('given an expected non-200 status, when the server answers it, then it passes', async () => {
    const port = await serveHttp((_req, res) => {
      res.statusCode = 204;
      res.end();
    });
    expect((await probe.measure(httpCheck(port, { status: 204 }), host, noShell)).phase).toBe('pass');
  });

  it('given a closed port, when measured, then it is an error naming the refused connection', async () => {
    const port = await closedPort();
    expect(await probe.measure(httpCheck(port), host, noShell)).toEqual({
      phase: 'error',
      reason: `connect ECONNREFUSED ${ADDRESS}:${port}`,
    });
  });

  it('given a server that never answers, when the check timeout passes, then it is an error', async () => {
    const port = await serveHttp(() => undefined);
    expect(await probe.measure(httpCheck(port, { timeoutMs: 200 }), host, noShell)).toEqual({
      phase: 'error',
      reason: 'no answer within 200ms',
    });
  });

  it('given a server that never answers, when the signal aborts, then the measurement ends as an error', async () => {
    const port = await serveHttp(() => undefined);
    const controller = new AbortController();
    const measuring = probe.measure(httpCheck(port, { timeoutMs: 60_000 }), host, noShell, controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect(await measuring).toEqual({ phase: 'error', reason: 'aborted' });
  });
});

describe('tcp checks', () => {
  it('given a listening port, when measured, then it passes', async () => {
    const port = await listen(createTcpServer((socket) => socket.end()));
    expect((await probe.measure({ kind: 'tcp', port, timeoutMs: 2_000 }, host, noShell)).phase).toBe('pass');
  });

  it('given a closed port, when measured, then it is an error naming the refused connection', async () => {
    const port = await closedPort();
    expect(await probe.measure({ kind: 'tcp', port, timeoutMs: 2_000 }, host, noShell)).toEqual({
      phase: 'error',
      reason: `connect ECONNREFUSED ${ADDRESS}:${port}`,
    });
  });
});

describe('command checks', () => {
  /** A recording shell that answers from a script (the command runs remotely; here only the logic is under test). */
  function scriptedShell(answer: Result<ExecOutput>) {
    const calls: { argv: readonly string[]; timeoutMs: number | undefined }[] = [];
    const shell: RemoteShell = {
      host: 'web-01',
      exec: async (argv, options) => {
        calls.push({ argv, timeoutMs: options?.timeoutMs });
        return answer;
      },
    };
    return { shell, calls };
  }
  const check = (overrides: Partial<Extract<HealthCheckTarget, { kind: 'command' }>> = {}): HealthCheckTarget => ({
    kind: 'command',
    argv: ['systemctl', 'is-active', 'demo'],
    exitCode: 0,
    stdoutContains: undefined,
    timeoutMs: 3_000,
    ...overrides,
  });

  it('given the expected exit code, when measured, then it passes and runs the argv with the check timeout', async () => {
    const { shell, calls } = scriptedShell(ok({ code: 0, stdout: 'active\n', stderr: '' }));
    expect((await probe.measure(check({ stdoutContains: 'active' }), host, shell)).phase).toBe('pass');
    expect(calls).toEqual([{ argv: ['systemctl', 'is-active', 'demo'], timeoutMs: 3_000 }]);
  });

  it('given another exit code, when measured, then it fails with the code and the end of stderr', async () => {
    const { shell } = scriptedShell(ok({ code: 3, stdout: 'inactive\n', stderr: 'unit demo is not running\n' }));
    expect(await probe.measure(check(), host, shell)).toEqual({
      phase: 'fail',
      reason: 'exit 3 (wanted 0): unit demo is not running',
    });
  });

  it('given stdout without the wanted text, when measured, then it fails naming it', async () => {
    const { shell } = scriptedShell(ok({ code: 0, stdout: 'demo 1.0\n', stderr: '' }));
    expect(await probe.measure(check({ stdoutContains: '1.1' }), host, shell)).toEqual({
      phase: 'fail',
      reason: 'stdout lacks "1.1"',
    });
  });

  it('given the shell cannot run it, when measured, then it is an error with the shell reason', async () => {
    const { shell } = scriptedShell(fail('web-01: ssh connection lost'));
    expect(await probe.measure(check(), host, shell)).toEqual({
      phase: 'error',
      reason: 'web-01: ssh connection lost',
    });
  });
});
