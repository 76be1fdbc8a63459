import { describe, expect, it } from 'vitest';
import { ok, okVoid } from '../core/result.js';
import type { LoadBalancer, LoadBalancers, RemoteShells } from '../engine/index.js';
import type { LeaseFence, LeaseLapsed } from '../records/index.js';
import type { HaproxyTarget, HostTarget } from '../spec/model.js';
import { fencePorts } from './fenced-world.js';

/** A fence a test opens and closes by hand. */
function handFence() {
  const lapsed = new AbortController();
  const fence: LeaseFence = {
    check: () => (lapsed.signal.aborted ? { ok: false, error: lapsed.signal.reason as LeaseLapsed } : { ok: true }),
    lapsed: lapsed.signal,
  };
  const lapse = () =>
    lapsed.abort({ kind: 'lease-lapsed', environment: 'staging', message: 'the lease of staging lapsed' });
  return { fence, lapse };
}

function recordingPorts() {
  const done: string[] = [];
  const lb: LoadBalancer = {
    name: 'lb',
    info: async () => ok({ pid: 1, startedAtMs: 0, uptimeSec: 1, version: '3' }),
    verify: async () => okVoid,
    status: async () => ok({ status: 'UP', adminState: 'ready', sessions: 0 }),
    statuses: async () => ok(new Map()),
    setState: async (server, state) => {
      done.push(`${server} ${state}`);
      return okVoid;
    },
  };
  const loadBalancers: LoadBalancers = { get: () => lb };
  const shells: RemoteShells = {
    connect: async (host) =>
      ok({
        host: host.name,
        exec: async (argv) => {
          done.push(`${host.name}: ${argv.join(' ')}`);
          return ok({ code: 0, stdout: '', stderr: '' });
        },
      }),
    closeAll: async () => undefined,
  };
  return { ports: { shells, loadBalancers }, done };
}

const host = { name: 'web-01' } as HostTarget;
const target = {} as HaproxyTarget;

describe('the lease as a fence around the ports', () => {
  it('given a lease still held, when the run drains a host and runs a command, then both happen', async () => {
    const { fence } = handFence();
    const { ports, done } = recordingPorts();
    const fenced = fencePorts(ports, fence);

    await fenced.loadBalancers.get(target).setState('web-01', 'drain');
    const shell = await fenced.shells.connect(host);
    if (shell.ok) await shell.value.exec(['apt-get', 'install', 'demo']);

    expect(done).toEqual(['web-01 drain', 'web-01: apt-get install demo']);
  });

  it('given a lease that lapsed, when the run tries any change of rotation or any command, then nothing reaches the load balancer or the host, and the refusal says why', async () => {
    // Given a connection opened while the lease held
    const { fence, lapse } = handFence();
    const { ports, done } = recordingPorts();
    const fenced = fencePorts(ports, fence);
    const shell = await fenced.shells.connect(host);
    if (!shell.ok) throw new Error(shell.error.message);

    // When the lease lapses
    lapse();
    const maint = await fenced.loadBalancers.get(target).setState('web-01', 'maint');
    const ready = await fenced.loadBalancers.get(target).setState('web-02', 'ready');
    const command = await shell.value.exec(['apt-get', 'install', 'demo=1.0']);

    // Then
    expect(done).toEqual([]);
    expect(maint).toEqual({
      ok: false,
      error: { message: 'not done (web-01 to maint on lb): the lease of staging lapsed' },
    });
    expect(ready.ok).toBe(false);
    expect(command.ok).toBe(false);
    // Reads go on: they change nothing
    expect((await fenced.loadBalancers.get(target).status('web-01')).ok).toBe(true);
  });
});
