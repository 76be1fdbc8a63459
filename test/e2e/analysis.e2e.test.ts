/**
 * docs/safety.md, analysis gates: after each batch is back in rotation, its
 * metrics are measured under real traffic through the fleet's HAProxy — the
 * HAProxy counters of the batch's servers, and a real Prometheus scraping
 * each host's /metrics — and judged pass, fail or inconclusive. Releases that
 * pass every health check but not their metrics: demo 1.3 (every other
 * request to / answers 500) and demo 1.4 (each request takes 400 ms).
 */
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eFleetDir } from '../fleet/e2e-fleet.js';
import { FLAKY_VERSION, INITIAL_VERSION, SLOW_MS, SLOW_VERSION, readFleet, setFleetFault } from '../fleet/fleet.js';
import { listActiveRuns } from '../../src/control/index.js';
import { waitFor } from '../fleet/wait.js';
import { isLoopbackOrWildcard, startPrometheus, type RunningPrometheus } from '../fleet/prometheus.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { journaled } from './support/journal-wait.js';
import { eventsOf, hostsMentioned, lastJournal, runLieutenant, startLieutenant } from './support/lieutenant.js';
import { runLieutenantProcess, spawnLieutenant } from './support/lieutenant-process.js';
import { commitVersion } from './support/rollout-repo.js';
import { startTraffic } from './support/traffic.js';

const given = useFreshFleet();
const STRATEGY = { batches: ['50%', '50%'], maxUnavailable: '50%', pause: 'none', onFailure: 'rollback' as const };

const errorRate = (extra: Record<string, unknown> = {}) => ({
  name: 'errors',
  haproxy: { measure: 'http5xxRate', minRequests: 20 },
  pass: '< 0.05',
  fail: '>= 0.2',
  ...extra,
});

let prometheus: RunningPrometheus | undefined;
beforeAll(async () => {
  const fleet = await readFleet(e2eFleetDir());
  if (!fleet) throw new Error('no fleet: the e2e global setup starts one');
  prometheus = await startPrometheus(fleet.prefix, fleet.hosts);
});
afterAll(async () => {
  await prometheus?.stop();
});

describe('analysis gates against the real fleet', () => {
  it('given the release that errs on every other request, under real traffic, when run with an error-rate metric, then batch 1 fails its analysis and is rolled back, batch 2 is untouched, exit 1', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    const repo = await given.repo({
      playbook: { strategy: STRATEGY, analysis: { interval: '500ms', count: 6, metrics: [errorRate()] } },
    });
    await commitVersion(repo, FLAKY_VERSION);

    // When
    const traffic = startTraffic(given.fleet.haproxy.frontendUrl);
    const run = await runLieutenant(['run', 'web', '--yes', '--json'], { repo });
    const served = await traffic.stop();

    // Then
    expect(run.code, run.output).toBe(1);
    const journal = await lastJournal(repo);
    expect(eventsOf(journal, 'batch.started').map((e) => e.hosts)).toEqual([hosts.slice(0, 3)]);
    const [finished] = eventsOf(journal, 'analysis.finished');
    expect(finished).toMatchObject({ batch: 1, verdict: 'fail', action: 'fail' });
    const failing = eventsOf(journal, 'analysis.measured').filter((e) => e.measurement.phase === 'fail');
    expect(failing.length).toBe(1); // a fail stops the measuring at once
    expect(failing[0]?.measurement.value).toBeGreaterThanOrEqual(0.2);
    expect(failing[0]?.measurement.reason).toMatch(/>= 0\.2 \(\d+\/\d+ 5xx\)/);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    expect(hostsMentioned(journal).filter((host) => hosts.slice(3).includes(host))).toEqual([]);
    expect(eventsOf(journal, 'run.finished').map((e) => [e.result, e.exitCode])).toEqual([['rolled-back', 1]]);
    expect(eventsOf(journal, 'run.finished')[0]?.message).toContain('batch 1 failed its analysis');
    // The same measurements are in --json
    expect(run.events.filter((e) => e.type === 'analysis.measured').length).toBe(
      eventsOf(journal, 'analysis.measured').length,
    );
    expect(served.failed, 'the flaky hosts did serve, and erred').toBeGreaterThan(0);
  });

  it('given the slow release, when run with a Prometheus p99 latency metric, then batch 1 fails its analysis and is rolled back, exit 1; Prometheus talked to loopback only', async () => {
    // Given
    const server = prometheus;
    if (!server) throw new Error('no Prometheus');
    const hosts = hostNames(given.fleet);
    const query =
      'histogram_quantile(0.99, sum by (le) (rate(demo_request_seconds_bucket{instance=~"{{batch.addresses}}"}[5s])))';
    const repo = await given.repo({
      playbook: {
        strategy: STRATEGY,
        analysis: {
          interval: '500ms',
          count: 20,
          // Until Prometheus has scraped the batch's first answers the quantile is NaN: inconclusive, tolerated.
          onInconclusive: 'fail',
          metrics: [
            {
              name: 'latency',
              prometheus: { url: server.url, query, timeout: '2s' },
              pass: '< 0.2',
              fail: `>= ${(SLOW_MS / 1000) * 0.75}`,
              inconclusiveLimit: 15,
            },
          ],
        },
      },
    });
    await commitVersion(repo, SLOW_VERSION);

    // When
    const traffic = startTraffic(given.fleet.haproxy.frontendUrl);
    const run = await runLieutenant(['run', 'web', '--yes', '--json'], { repo });
    await traffic.stop();

    // Then
    expect(run.code, run.output).toBe(1);
    const journal = await lastJournal(repo);
    const [finished] = eventsOf(journal, 'analysis.finished');
    expect(finished, JSON.stringify(eventsOf(journal, 'analysis.measured'))).toMatchObject({
      batch: 1,
      verdict: 'fail',
    });
    const failed = eventsOf(journal, 'analysis.measured').find((e) => e.measurement.phase === 'fail');
    expect(failed?.measurement.value).toBeGreaterThanOrEqual(0.3);
    expect(eventsOf(journal, 'batch.started').map((e) => e.hosts)).toEqual([hosts.slice(0, 3)]);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, INITIAL_VERSION));
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    const peers = await server.peers();
    expect(peers.length).toBeGreaterThan(0);
    expect(peers.filter((peer) => !isLoopbackOrWildcard(peer))).toEqual([]);
  });

  it('given no traffic at all, when run with --yes, then minRequests makes the analysis inconclusive and the run waits at a gate --yes does not answer; lieutenant approve goes on', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    const repo = await given.repo({
      playbook: {
        strategy: { ...STRATEGY, batches: ['100%'], maxUnavailable: '100%' },
        analysis: { interval: '200ms', count: 3, metrics: [errorRate()] },
      },
    });
    await commitVersion(repo, '1.1');

    // When: a headless run with --yes reaches its analysis gate
    const run = spawnLieutenant(['run', 'web', '--yes'], { repo });
    try {
      const { event: gate, events } = await journaled(repo, 'gate.waiting', { process: run });

      // Then: the gate is an analysis gate showing each measurement, and --yes has not answered it
      expect(gate.pause).toBe('analysis');
      expect(gate.analysis?.[0]?.measurements.map((m) => m.phase)).toEqual([
        'inconclusive',
        'inconclusive',
        'inconclusive',
      ]);
      expect(gate.analysis?.[0]?.measurements[0]?.reason).toMatch(/fewer than minRequests 20/);
      expect(eventsOf(events, 'gate.answered')).toEqual([]);

      // When: a person approves from another terminal
      const approve = await runLieutenantProcess(['approve', '--reason', 'quiet hour, checked by hand'], { repo });
      expect(approve.code, approve.output).toBe(0);

      // Then: the run goes on and succeeds; the answer is the person's, not --yes's
      const exit = await run.exited;
      expect(exit.code, exit.output).toBe(0);
      expect(exit.stdout).toContain('--yes does not answer this gate');
      const journal = await lastJournal(repo);
      expect(eventsOf(journal, 'gate.answered').map((e) => [e.decision, e.by, e.reason])).toEqual([
        ['approve', 'E2E Operator', 'quiet hour, checked by hand'],
      ]);
      expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
      const history = await runLieutenant(['history'], { repo });
      expect(history.stdout).toContain(
        'analysis after batch 1: inconclusive — errors inconclusive (0 pass, 0 fail, 3 inconclusive)',
      );
      expect(history.stdout).toContain('approved after batch 1 by E2E Operator: quiet hour, checked by hand');
    } finally {
      await run.killHard();
    }
  });

  it('given a fleet-wide error rate (every server errs equally), when a good release runs with baseline: true, then the analysis passes and every host is upgraded', async () => {
    // Given: every host answers half of / with 500, whatever it runs
    const hosts = hostNames(given.fleet);
    await setFleetFault(given.fleet.dir, 0.5);
    const repo = await given.repo({
      playbook: {
        strategy: STRATEGY,
        analysis: {
          interval: '500ms',
          count: 4,
          metrics: [errorRate({ baseline: true, pass: '< 0.1' })],
        },
      },
    });
    await commitVersion(repo, '1.1');

    // When
    const traffic = startTraffic(given.fleet.haproxy.frontendUrl);
    const run = await runLieutenant(['run', 'web', '--yes', '--json'], { repo });
    const served = await traffic.stop();
    await setFleetFault(given.fleet.dir, undefined);

    // Then: the batch erred as much as the rest of the group, so the new version is not blamed
    expect(run.code, run.output).toBe(0);
    const journal = await lastJournal(repo);
    expect(eventsOf(journal, 'analysis.finished').map((e) => [e.batch, e.verdict])).toEqual([
      [1, 'pass'],
      [2, 'pass'],
    ]);
    for (const measured of eventsOf(journal, 'analysis.measured'))
      expect(measured.measurement.reason).toMatch(/batch 0\.\d+ − baseline 0\.\d+/);
    expect(served.failed).toBeGreaterThan(0);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
  });

  it('given webhooks in the inventory — a listener whose URL comes from the environment, an endpoint that never answers, one that refuses — when a run waits at two analysis gates, then the listener gets one message per gate with the run, batch and measurements, and the dead endpoints neither hold up nor fail the run', async () => {
    // Given
    const listener = await startHookListener(`${given.fleet.prefix}.252`, 'answer');
    const hanging = await startHookListener(`${given.fleet.prefix}.253`, 'never-answer');
    process.env.LIEUTENANT_E2E_HOOK = `${listener.url}/hooks/s3cr3t-token`;
    try {
      const repo = await given.repo({
        playbook: { strategy: STRATEGY, analysis: { interval: '200ms', count: 3, metrics: [errorRate()] } },
        notifications: [
          { webhook: { url: `${hanging.url}/hook`, format: 'slack' } },
          { webhook: { url: `http://${given.fleet.prefix}.254:9/hook` } },
          { webhook: { urlEnv: 'LIEUTENANT_E2E_HOOK', format: 'json' } },
        ],
      });
      await commitVersion(repo, '1.1');

      // When: the run (no traffic: each analysis is inconclusive) is approved at each gate once the listener is told
      const run = startLieutenant(['run', 'web', '--yes', '--json'], { repo });
      for (const batch of [1, 2]) {
        await waitFor(() => listener.received.some((m) => m.type === 'gate.waiting' && m.batch === batch), {
          what: `the gate after batch ${batch} notified`,
          timeoutMs: 60_000,
        });
        // The endpoint listed first still holds its first request unanswered: deliveries never wait on each other or hold up the run.
        expect(hanging.pending()).toBeGreaterThan(0);
        await waitFor(async () => (await listActiveRuns(repo.dir)).some((r) => r.gate?.afterBatch === batch), {
          what: 'the gate announced to lieutenant approve',
          timeoutMs: 10_000,
        });
        const approved = await runLieutenant(['approve', '--reason', `batch ${batch} looked at`], { repo });
        expect(approved.code, approved.output).toBe(0);
      }
      const result = await run.result;
      await waitFor(() => listener.received.some((m) => m.type === 'run.succeeded'), {
        what: 'the end of the run notified',
        timeoutMs: 15_000,
      });

      // Then: exit 0; one message per gate and per analysis, none per measurement
      expect(result.code, result.output).toBe(0);
      const runId = eventsOf(await lastJournal(repo), 'run.started')[0]?.runId;
      expect(listener.received.map((m) => [m.type, m.batch ?? null])).toEqual([
        ['analysis.inconclusive', 1],
        ['gate.waiting', 1],
        ['analysis.inconclusive', 2],
        ['gate.waiting', 2],
        ['run.succeeded', null],
      ]);
      const gate = listener.received[1];
      expect(gate).toMatchObject({ runId, rollout: 'web', environment: given.fleet.environment, batches: 2 });
      expect(gate?.measurements?.[0]?.measurements.map((m) => m.phase)).toEqual([
        'inconclusive',
        'inconclusive',
        'inconclusive',
      ]);
      expect(listener.paths.every((path) => path === '/hooks/s3cr3t-token')).toBe(true);
      // The Slack text of an inconclusive analysis says a person must answer, and how, from any clone.
      const waitsForAPerson =
        /waits for a person \(--yes does not answer it\) — from any clone: lieutenant approve \S+ --env /;
      expect(hanging.bodies.some((body) => waitsForAPerson.test(String((body as { text?: string }).text)))).toBe(true);
      expect(result.output).not.toContain('s3cr3t-token');
    } finally {
      delete process.env.LIEUTENANT_E2E_HOOK;
      await listener.close();
      await hanging.close();
    }
  });
});

interface HookMessage {
  type: string;
  runId: string;
  batch?: number;
  measurements?: Array<{ name: string; measurements: Array<{ phase: string }> }>;
}

/** A local webhook receiver on a loopback address of the fleet's prefix: answers 204, or never answers. */
async function startHookListener(address: string, mode: 'answer' | 'never-answer') {
  const received: HookMessage[] = [];
  const bodies: unknown[] = [];
  const paths: string[] = [];
  const held = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      paths.push(request.url ?? '');
      const parsed = JSON.parse(body) as unknown;
      bodies.push(parsed);
      received.push(parsed as HookMessage);
      if (mode === 'answer') response.writeHead(204).end();
      else {
        held.add(response);
        response.on('close', () => held.delete(response));
      }
    });
  });
  server.listen(0, address);
  await once(server, 'listening');
  return {
    url: `http://${address}:${(server.address() as AddressInfo).port}`,
    received,
    bodies,
    paths,
    pending: () => held.size,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
