/**
 * The adapter, the health probe and the rotation steps together, against the
 * shared e2e fleet (test/fleet: real hosts running the demo service behind the
 * fleet's HAProxy) — what `lieutenant run` meets. Skipped when no fleet was
 * provided (e.g. when only this folder's own-HAProxy tests are run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eFleetDir } from '../../../test/fleet/e2e-fleet.js';
import { readFleet, resetFleet, INITIAL_VERSION } from '../../../test/fleet/fleet.js';
import type { Fleet } from '../../../test/fleet/fleet.js';
import { httpGet } from '../../../test/fleet/probe.js';
import { waitFor } from '../../../test/fleet/wait.js';
import { awaitHealthy, renderChecks } from '../../engine/index.js';
import { drainHost, returnHost } from '../../engine/index.js';
import type { LoadBalancer, RemoteShell } from '../../engine/index.js';
import { fail } from '../../core/result.js';
import type { HaproxyTarget, HealthCheckTarget, HostTarget } from '../../spec/model.js';
import { systemClock } from '../clock.js';
import { createHealthProbe } from '../health/index.js';
import { createLoadBalancers } from './index.js';

const fleetDir = e2eFleetDir();
let fleet: Fleet;
let edge: LoadBalancer;
const noShell: RemoteShell = { host: 'none', exec: async () => fail('no command checks in this test') };

const edgeTarget = (endpoint: HaproxyTarget['endpoint']): HaproxyTarget => ({
  name: 'edge',
  type: 'haproxy',
  endpoint,
  backend: 'app',
  maxConnections: 3,
});

describe('against the fleet HAProxy', () => {
  beforeAll(async () => {
    if (!fleetDir) throw new Error('no fleet: the e2e global setup (test/fleet/global-setup.ts) provides fleetDir');
    const found = await readFleet(fleetDir);
    if (!found) throw new Error(`no fleet in ${fleetDir}`);
    fleet = await resetFleet(found);
    edge = createLoadBalancers().get(edgeTarget({ path: fleet.haproxy.socket }));
  });

  afterAll(async () => {
    // Leave the shared fleet as found: every server in rotation.
    for (const host of fleet?.hosts ?? []) await edge.setState(host.name, 'ready');
  });

  it('given the fleet, when statuses are read over the unix socket and over tcp://, then both list every host UP and ready', async () => {
    // Every server of the backend: the Debian hosts, then the RPM ones behind the same HAProxy.
    const names = [...fleet.hosts, ...fleet.rpmHosts].map((host) => host.name);
    const overUnix = await edge.statuses();
    expect(overUnix.ok && [...overUnix.value.keys()]).toEqual(names);
    if (overUnix.ok)
      for (const status of overUnix.value.values()) expect([status.status, status.adminState]).toEqual(['UP', 'ready']);

    const tcp = /^tcp:\/\/(.+):(\d+)$/.exec(fleet.haproxy.tcpSocket ?? '');
    if (tcp) {
      const overTcp = await createLoadBalancers()
        .get(edgeTarget({ host: tcp[1] ?? '', port: Number(tcp[2]) }))
        .statuses();
      expect(overTcp.ok && [...overTcp.value.keys()]).toEqual(names);
    }
    expect(await edge.verify(names)).toEqual({ ok: true, value: undefined });
  });

  it('given a slow request on a host and steady traffic, when the host is drained, gated and returned, then no request fails', async () => {
    // Given: a slow request in flight (alone, so HAProxy's session count shows where it went)…
    const slow = httpGet(`${fleet.haproxy.frontendUrl}/slow?ms=1500`, 10_000);
    const server = await waitFor(
      async () => {
        const statuses = await edge.statuses();
        return statuses.ok ? [...statuses.value].find(([, status]) => status.sessions > 0)?.[0] : undefined;
      },
      { what: 'a server with a session', timeoutMs: 5_000, intervalMs: 20 },
    );
    // …and steady traffic through the frontend for the whole cycle.
    let traffic = true;
    const answers: number[] = [];
    const load = (async () => {
      while (traffic)
        answers.push((await httpGet(`${fleet.haproxy.frontendUrl}/`).catch(() => ({ status: 0 }))).status);
    })();
    // HAProxy may pick any server of the backend, the RPM hosts' too.
    const host = [...fleet.hosts, ...fleet.rpmHosts].find((candidate) => candidate.name === server);
    if (!host) throw new Error(`no fleet host ${server}`);

    // When: drained…
    const started = Date.now();
    const drained = await drainHost([edge], server, {
      timeoutMs: 20_000,
      pollMs: 100,
      clock: systemClock,
      signal: new AbortController().signal,
    });
    expect(drained.ok && drained.value.timedOut).toBe(false);
    expect(Date.now() - started).toBeGreaterThan(300);
    expect((await slow).status).toBe(200);

    // …health-gated with the real probe, on the committed version…
    const target: HostTarget = { name: host.name, address: host.address, group: 'web', lbServer: host.name };
    const checks: HealthCheckTarget[] = [
      {
        kind: 'http',
        url: 'http://{{host.address}}:8080/health',
        status: 200,
        bodyContains: '{{packages.demo}}',
        timeoutMs: 2_000,
      },
      { kind: 'tcp', port: 22, timeoutMs: 2_000 },
    ];
    const measured: string[] = [];
    const healthy = await awaitHealthy(
      renderChecks(checks, target, { demo: INITIAL_VERSION }),
      createHealthProbe(),
      target,
      noShell,
      { intervalMs: 200, timeoutMs: 10_000, successThreshold: 2 },
      systemClock,
      new AbortController().signal,
      (label, measurement, passes) => measured.push(`${label} ${measurement.phase} ${passes}`),
    );
    expect(healthy).toEqual({ ok: true, value: undefined });
    expect(measured).toEqual([
      `http GET http://${host.address}:8080/health pass 1`,
      `tcp ${host.address}:22 pass 1`,
      `http GET http://${host.address}:8080/health pass 2`,
      `tcp ${host.address}:22 pass 2`,
    ]);

    // …and returned.
    expect(
      await returnHost([edge], server, {
        timeoutMs: 10_000,
        pollMs: 100,
        clock: systemClock,
        signal: new AbortController().signal,
      }),
    ).toEqual({
      ok: true,
      value: undefined,
    });
    traffic = false;
    await load;

    // Then: not one request failed, and the host is UP again.
    expect(answers.length).toBeGreaterThan(5);
    expect(answers.filter((status) => status !== 200)).toEqual([]);
    const status = await edge.status(server);
    expect(status.ok && status.value.status).toBe('UP');
  });

  it('given a version the host does not run, when health-gated, then the gate fails saying the body lacks it', async () => {
    const host = fleet.hosts[0];
    if (!host) throw new Error('empty fleet');
    const target: HostTarget = { name: host.name, address: host.address, group: 'web', lbServer: host.name };
    const checks = renderChecks(
      [
        {
          kind: 'http',
          url: 'http://{{host.address}}:8080/health',
          status: 200,
          bodyContains: '{{packages.demo}}',
          timeoutMs: 2_000,
        },
      ],
      target,
      { demo: '2.0' },
    );
    const healthy = await awaitHealthy(
      checks,
      createHealthProbe(),
      target,
      noShell,
      { intervalMs: 100, timeoutMs: 300, successThreshold: 1 },
      systemClock,
      new AbortController().signal,
    );
    expect(healthy).toEqual({
      ok: false,
      error: {
        message: `${host.name}: not healthy within 300ms: http GET http://${host.address}:8080/health: body lacks "2.0"`,
      },
    });
  });
});
