/**
 * The runtime API under load, against a real HAProxy whose `stats socket` line
 * is stock (no `maxconn`: 10 connections at once, then EAGAIN), in front of
 * 50 servers (small listeners of this process; see testing/haproxy-process.ts):
 * what a rollout of 50 hosts per batch does to an operator's HAProxy.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/fleet/wait.js';
import { systemClock } from '../clock.js';
import { drainHost, isUp, returnHost } from '../../engine/index.js';
import type { LoadBalancer } from '../../engine/index.js';
import type { HaproxyTarget } from '../../spec/model.js';
import { createLoadBalancers, sendCommand } from './index.js';
import type { HaproxyOptions } from './index.js';
import { BACKEND, startTestHaproxy } from './testing/haproxy-process.js';
import type { TestHaproxy } from './testing/haproxy-process.js';

const SERVERS = Array.from({ length: 50 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`);
let haproxy: TestHaproxy;

const edgeAt = (socket: string): HaproxyTarget => ({
  name: 'edge',
  type: 'haproxy',
  endpoint: { path: socket },
  backend: BACKEND,
  maxConnections: 3,
});
const rotation = { timeoutMs: 20_000, pollMs: 100, clock: systemClock, signal: new AbortController().signal };

/** Counts the engine's status() calls, to compare with the reads HAProxy served. */
function counting(lb: LoadBalancer): LoadBalancer & { statusCalls: number } {
  const counted = {
    ...lb,
    statusCalls: 0,
    status: (server: string, signal?: AbortSignal) => {
      counted.statusCalls++;
      return lb.status(server, signal);
    },
  };
  return counted;
}

/**
 * Another client (monitoring, an operator's socat) holding every connection
 * the socket serves, and its kernel queue full: opens interactive sessions
 * until a fresh connection is refused with EAGAIN.
 */
async function occupySocket(socket: string): Promise<{ release(): void }> {
  const held: Socket[] = [];
  const release = () => held.forEach((connection) => connection.destroy());
  try {
    await waitFor(
      async () => {
        const connection = connect({ path: socket });
        connection.on('error', () => undefined);
        connection.on('connect', () => connection.write('prompt\n'));
        held.push(connection);
        const probe = await sendCommand({ path: socket }, 'show info', { name: 'probe', timeoutMs: 50 });
        return !probe.ok && probe.error.cause === 'EAGAIN';
      },
      { what: 'the stock stats socket to refuse with EAGAIN', timeoutMs: 10_000, intervalMs: 1 },
    );
  } catch (error) {
    release();
    throw error;
  }
  return { release };
}

beforeAll(async () => {
  haproxy = await startTestHaproxy(SERVERS);
});

afterAll(async () => {
  await haproxy?.stop();
});

describe('the runtime API of a stock HAProxy under a batch of 50 hosts', () => {
  it('given one-shot connections for 50 hosts at once, as before, then the stock socket refuses some with EAGAIN', async () => {
    // What the issue saw: the failure this client exists to prevent, reproduced on this socket.
    const answers = await Promise.all(
      SERVERS.map(() =>
        sendCommand({ path: haproxy.socket }, `show stat ${BACKEND} 4 -1`, { name: 'edge', timeoutMs: 5_000 }),
      ),
    );
    const refused = answers.filter((answer) => !answer.ok && answer.error.cause === 'EAGAIN');
    expect(refused.length).toBeGreaterThan(0);
  });

  it('given one client for the load balancer, when 50 hosts are drained and then returned at once, then every one succeeds within its connections', async () => {
    // Given: the engine's way — one LoadBalancer for the whole run, asked once per host.
    const loadBalancers = createLoadBalancers();
    const edge = counting(loadBalancers.get(edgeAt(haproxy.socket)));
    expect(loadBalancers.get(edgeAt(haproxy.socket))).toBe(loadBalancers.get(edgeAt(haproxy.socket)));

    // When: every host of the batch leaves rotation at once…
    const drained = await Promise.all(SERVERS.map((server) => drainHost([edge], server, rotation)));

    // Then: none failed, and HAProxy has all 50 in maint.
    expect(drained.filter((result) => !result.ok)).toEqual([]);
    const inMaint = await edge.statuses();
    expect(inMaint.ok && [...inMaint.value.values()].every((status) => status.adminState === 'maint')).toBe(true);

    // When: …and comes back at once.
    const returned = await Promise.all(SERVERS.map((server) => returnHost([edge], server, rotation)));

    // Then: none failed, all 50 UP again…
    expect(returned.filter((result) => !result.ok)).toEqual([]);
    const up = await edge.statuses();
    expect(up.ok && [...up.value.values()].filter(isUp).length).toBe(50);
    // …through at most 3 connections at a time, with the polls of all hosts sharing reads.
    const usage = loadBalancers.usage()['edge'];
    expect(usage).toMatchObject({ failures: 0, peakConnections: 3 });
    const writes = SERVERS.length * 3; // drain, maint, ready
    const reads = ((usage?.commands ?? 0) - writes) / 2; // show stat + show servers state
    expect(reads).toBeLessThan(edge.statusCalls / 5);
  });

  it('given another client holding every connection of the socket for a moment, when a host is read, then the read waits and succeeds', async () => {
    const loadBalancers = createLoadBalancers();
    const edge = loadBalancers.get(edgeAt(haproxy.socket));
    const other = await occupySocket(haproxy.socket);

    const read = edge.status('web-01');
    await waitFor(() => (loadBalancers.usage()['edge']?.retries ?? 0) > 0, {
      what: 'a refused attempt retried',
      timeoutMs: 5_000,
      intervalMs: 10,
    });
    other.release();

    expect(await read).toEqual({ ok: true, value: { status: 'UP', adminState: 'ready', sessions: 0 } });
  });

  it('given another client holding every connection past the deadline, when a host is read, then it fails in bounded time saying what to change', async () => {
    const options: HaproxyOptions = { deadlineMs: 1_000 };
    const edge = createLoadBalancers(options).get(edgeAt(haproxy.socket));
    const other = await occupySocket(haproxy.socket);
    try {
      const started = Date.now();
      const read = await edge.status('web-01');
      const took = Date.now() - started;

      expect(read.ok).toBe(false);
      if (!read.ok)
        expect(read.error.message).toMatch(
          new RegExp(
            `^edge: HAProxy runtime API at ${haproxy.socket}: the socket's connection queue is full \\(EAGAIN\\); ` +
              `HAProxy is serving its "maxconn" connections on it — still so after \\d+ attempts in 1\\.\\d s\\. ` +
              `Lieutenant opens at most 3 at once \\(loadBalancers\\.edge\\.maxConnections\\), so other clients of this ` +
              `socket hold the rest: raise its limit with "stats socket … maxconn 50" in haproxy\\.cfg ` +
              `\\(without maxconn HAProxy serves 10\\), or lower maxConnections\\.$`,
          ),
        );
      expect(took).toBeLessThan(3_000);
    } finally {
      other.release();
    }
  });

  it('given HAProxy, when info is read, then it names the process; after a restart it names the new one, and a read in the gap waits for it', async () => {
    const edge = createLoadBalancers().get(edgeAt(haproxy.socket));
    const before = await edge.info();
    expect(before.ok && before.value.pid).toBe(haproxy.pid());
    if (!before.ok) return;
    expect(before.value.version).toMatch(/^\d+\.\d+/);
    expect(Math.abs(before.value.startedAtMs - (Date.now() - before.value.uptimeSec * 1000))).toBeLessThan(2_000);

    // When HAProxy restarts, with a read sent while nothing listens (ECONNREFUSED on the socket left behind)…
    await haproxy.stopHaproxy();
    const inTheGap = edge.info();
    await haproxy.startHaproxy();

    // Then the read is answered by the new process, and a later one agrees.
    const during = await inTheGap;
    const after = await edge.info();
    expect(during.ok && during.value.pid).toBe(haproxy.pid());
    expect(after.ok && after.value.pid).toBe(haproxy.pid());
    expect(haproxy.pid()).not.toBe(before.value.pid);
    expect(after.ok && after.value.startedAtMs).toBeGreaterThanOrEqual(before.value.startedAtMs);
    expect(after.ok && `${after.value.pid}@${after.value.startedAtMs}`).not.toBe(
      `${before.value.pid}@${before.value.startedAtMs}`,
    );
  });
});
