/**
 * The HAProxy adapter and the rotation steps against a real HAProxy (its own,
 * on 127.0.5.x, see testing/haproxy-process.ts) with real backends: sessions,
 * drain, maint, checks and both runtime-API transports are HAProxy's own.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/fleet/wait.js';
import { systemClock } from '../clock.js';
import { drainHost, returnHost } from '../../engine/index.js';
import type { LoadBalancer } from '../../engine/index.js';
import type { HaproxyTarget } from '../../spec/model.js';
import { createLoadBalancers } from './index.js';
import { BACKEND, startTestHaproxy } from './testing/haproxy-process.js';
import type { TestHaproxy } from './testing/haproxy-process.js';

let haproxy: TestHaproxy;
let edge: LoadBalancer;
const loadBalancers = createLoadBalancers({ attemptTimeoutMs: 2_000 });
const target = (endpoint: HaproxyTarget['endpoint'], backend = BACKEND): HaproxyTarget => ({
  name: 'edge',
  type: 'haproxy',
  endpoint,
  backend,
  maxConnections: 3,
});
const rotation = (timeoutMs: number) => ({
  timeoutMs,
  pollMs: 50,
  clock: systemClock,
  signal: new AbortController().signal,
});

async function allUp(lb: LoadBalancer): Promise<boolean> {
  const statuses = await lb.statuses();
  return (
    statuses.ok &&
    [...statuses.value.values()].every((status) => status.status === 'UP' && status.adminState === 'ready')
  );
}

beforeAll(async () => {
  haproxy = await startTestHaproxy();
  edge = loadBalancers.get(target({ path: haproxy.socket }));
});

afterAll(async () => {
  await haproxy?.stop();
});

beforeEach(async () => {
  // Every test starts from the whole backend in rotation.
  for (const server of haproxy.servers) await edge.setState(server, 'ready');
  await waitFor(() => allUp(edge), { what: 'every server UP', timeoutMs: 10_000, intervalMs: 50 });
});

describe('HAProxy runtime API adapter', () => {
  it('given a running backend, when statuses are read, then every server is listed UP, ready, with no sessions', async () => {
    const statuses = await edge.statuses();
    expect(statuses.ok).toBe(true);
    if (!statuses.ok) return;
    expect([...statuses.value.keys()]).toEqual(['web-01', 'web-02', 'web-03']);
    for (const status of statuses.value.values())
      expect(status).toEqual({ status: 'UP', adminState: 'ready', sessions: 0 });
  });

  it('given a request held open on a server, when that host is drained, then it waits for the session, then goes to maint', async () => {
    // Given: a request in flight on some server (round robin decides which).
    const answer = haproxy.get('/hold');
    const held = await waitFor(() => haproxy.held[0], { what: 'a held request', timeoutMs: 5_000, intervalMs: 20 });
    haproxy.held.length = 0;
    const server = held.server;

    // When: it is drained.
    let finished = false;
    const draining = drainHost([edge], server, rotation(20_000)).then((result) => {
      finished = true;
      return result;
    });

    // Then: HAProxy shows it draining with the session still open, and the drain waits.
    const draining1 = await waitFor(
      async () => {
        const status = await edge.status(server);
        return status.ok && status.value.adminState === 'drain' && status.value.sessions === 1
          ? status.value
          : undefined;
      },
      { what: `${server} draining with one session`, timeoutMs: 5_000, intervalMs: 20 },
    );
    expect(draining1.status).toBe('DRAIN');
    // New requests go elsewhere while it drains.
    for (let i = 0; i < 4; i++) expect((await haproxy.get('/')).body).not.toBe(server);
    expect(finished).toBe(false);

    // And once the session ends, it goes to maint with nothing cut short.
    held.release();
    expect(await answer).toEqual({ status: 200, body: `held by ${server}` });
    expect(await draining).toEqual({ ok: true, value: { sessions: 0, timedOut: false } });
    const after = await edge.status(server);
    expect(after).toEqual({ ok: true, value: { status: 'MAINT', adminState: 'maint', sessions: 0 } });

    // When it is returned, HAProxy reports it UP again, checked.
    expect(await returnHost([edge], server, rotation(10_000))).toEqual({ ok: true, value: undefined });
    expect(await edge.status(server)).toEqual({ ok: true, value: { status: 'UP', adminState: 'ready', sessions: 0 } });
  });

  it('given a session that outlives drain.timeout, when drained, then the server goes to maint anyway with timedOut', async () => {
    const answer = haproxy.get('/hold');
    const held = await waitFor(() => haproxy.held[0], { what: 'a held request', timeoutMs: 5_000, intervalMs: 20 });
    haproxy.held.length = 0;

    const drained = await drainHost([edge], held.server, rotation(300));

    expect(drained).toEqual({ ok: true, value: { sessions: 1, timedOut: true } });
    const status = await edge.status(held.server);
    expect(status.ok && status.value.adminState).toBe('maint');
    // maint takes the server out of rotation; it does not cut the session still open.
    held.release();
    expect((await answer).status).toBe(200);
  });

  it('given a backend that died while in maint, when returned, then it never counts as UP and the failure names the status', async () => {
    expect((await drainHost([edge], 'web-03', rotation(5_000))).ok).toBe(true);
    await haproxy.stopBackend('web-03');
    try {
      const returned = await returnHost([edge], 'web-03', rotation(1_500));
      expect(returned.ok).toBe(false);
      if (!returned.ok)
        expect(returned.error.message).toMatch(/^web-03: not UP within 1500ms after ready: edge reports "DOWN/);
    } finally {
      await haproxy.startBackend('web-03');
    }
  });

  it('given servers that are not in the backend, when verified, then the failure names each unknown one', async () => {
    expect(await edge.verify(['web-01', 'web-02'])).toEqual({ ok: true, value: undefined });
    const verified = await edge.verify(['web-01', 'web-09', 'web-10']);
    expect(verified.ok).toBe(false);
    if (!verified.ok) {
      expect(verified.error.message).toBe('edge: backend "app" has no server "web-09", "web-10"');
      expect(verified.error.detail).toBe('servers in "app": web-01, web-02, web-03');
    }
  });

  it('given an unknown backend, when verified or read, then the failure names the backend', async () => {
    const missing = loadBalancers.get(target({ path: haproxy.socket }, 'nope'));
    for (const result of [await missing.verify(['web-01']), await missing.statuses()]) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toBe('edge: HAProxy has no backend "nope"');
    }
  });

  it('given an unknown server, when its state is set, then HAProxy refuses and nothing else changes', async () => {
    const set = await edge.setState('web-09', 'drain');
    expect(set.ok).toBe(false);
    if (!set.ok) expect(set.error.message).toBe('edge: backend "app" has no server "web-09"');
    expect(await allUp(edge)).toBe(true);
  });

  it('given a server name carrying a second command, when its state is set, then nothing is sent', async () => {
    const set = await edge.setState('web-01;set server app/web-02 state maint', 'drain');
    expect(set.ok).toBe(false);
    expect(await allUp(edge)).toBe(true);
  });

  it('given the tcp:// runtime API, when used, then it reads and writes like the unix socket', async () => {
    const overTcp = loadBalancers.get(target(haproxy.tcp));
    expect(await overTcp.setState('web-02', 'drain')).toEqual({ ok: true, value: undefined });
    const status = await edge.status('web-02');
    expect(status.ok && status.value.adminState).toBe('drain');
    const statuses = await overTcp.statuses();
    expect(statuses.ok && statuses.value.get('web-02')?.status).toBe('DRAIN');
  });

  it('given no HAProxy at the socket path, when used, then the failure names the load balancer and the path', async () => {
    const gone = loadBalancers.get(target({ path: `${haproxy.dir}/missing.sock` }));
    const statuses = await gone.statuses();
    expect(statuses.ok).toBe(false);
    if (!statuses.ok)
      expect(statuses.error.message).toMatch(
        /^edge: HAProxy runtime API at .*missing\.sock: no such socket \(ENOENT\)/,
      );
  });
});
