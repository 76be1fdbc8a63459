/**
 * `watch` as a service, operable: a real `lieutenant watch --listen` process (node
 * bin/lieutenant.js, as systemd starts it) following a real remote, rolling
 * out to the real fleet (OpenSSH, apt, HAProxy). Prometheus's own `promtool
 * check metrics` judges `/metrics`; SIGTERM is sent as systemd sends it.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deployedCommit } from '../../src/records/deploy/deployed.js';
import { readLock } from '../../src/records/index.js';
import { waitFor } from '../fleet/fleet.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, freshFleet, hostNames, useFreshFleet } from './support/given-fleet.js';
import { journaled } from './support/journal-wait.js';
import { eventsOf, journals, runLieutenant } from './support/lieutenant.js';
import { spawnLieutenant, type LieutenantProcess } from './support/lieutenant-process.js';
import type { PlaybookOverrides } from './support/rollout-repo.js';
import { makeFollowedRepo, type FollowedRepo } from './watch-support/followed-repo.js';

const given = useFreshFleet();
let repo: FollowedRepo | undefined;
const started: LieutenantProcess[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((watch) => watch.killHard()));
  await repo?.remove();
  repo = undefined;
  await freshFleet();
});

/** Deployed at the first commit, then `lieutenant watch --listen` as its own process; resolves with its address. */
async function startWatchProcess(playbook?: PlaybookOverrides['strategy']) {
  repo = await makeFollowedRepo(given.fleet, playbook ? { playbook: { strategy: playbook } } : {});
  const deploy = await runLieutenant(['run', 'web', '--yes'], { repo: repo.watched });
  expect(deploy.code, deploy.output).toBe(0);
  const secretFile = join(repo.watched.dir, '.lieutenant', 'webhook-secret');
  await mkdir(dirname(secretFile), { recursive: true });
  await writeFile(secretFile, 'e2e webhook secret\n', { mode: 0o600 });
  const args = ['--remote', 'origin', '--interval', '1s', '--listen', '127.0.0.1:0', '--secret-file', secretFile];
  const watch = spawnLieutenant(['watch', ...args], { repo: repo.watched });
  started.push(watch);
  const url = await waitFor(() => /webhook on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(watch.stdout())?.[1], {
    what: `the listener's address; watch said:\n${watch.stdout()}${watch.stderr()}`,
    timeoutMs: 30_000,
  });
  return { watch, url, followed: repo };
}

/** `name{labels} value` lines of the exposition, as a map. */
function samplesOf(text: string): Record<string, number> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.slice(line.lastIndexOf(' ') + 1))]),
  );
}

const RUNS_SUCCEEDED = 'lieutenant_runs_total{rollout="web",environment="staging",result="succeeded"}';

describe('lieutenant watch --listen: /metrics, /healthz and SIGTERM', () => {
  it('given a watcher process serving /metrics, when a release of demo 1.1 is rolled out, then /metrics counts one succeeded run and every host changed, promtool accepts it, and /healthz is 200', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    const { watch, url, followed } = await startWatchProcess();
    const before = Date.now() / 1000;

    // When
    const release = await followed.release('1.1');
    await waitFor(async () => (await deployedCommit(followed.watched.dir, 'staging', 'web')) === release, {
      what: `deployed ref at the release; watch said:\n${watch.stdout()}`,
      timeoutMs: 180_000,
      intervalMs: 500,
    });
    const text = await waitFor(
      async () => {
        const scraped = await (await fetch(new URL('/metrics', url))).text();
        const samples = samplesOf(scraped);
        // The run is counted as it finishes; its lock is let go a moment later, once its record is pushed.
        return samples[RUNS_SUCCEEDED] === 1 && samples['lieutenant_lock_held{environment="staging"}'] === 0
          ? scraped
          : undefined;
      },
      { what: 'the run counted in /metrics and its lock released', timeoutMs: 30_000 },
    );

    // Then: the values
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
    const samples = samplesOf(text);
    expect(samples).toMatchObject({
      [RUNS_SUCCEEDED]: 1,
      'lieutenant_hosts_changed_total{rollout="web",environment="staging"}': hosts.length,
      'lieutenant_hosts_out_of_rotation{environment="staging"}': 0,
      'lieutenant_drift_hosts{environment="staging"}': 0,
      'lieutenant_gate_waiting_seconds{rollout="web",environment="staging"}': 0,
      'lieutenant_lock_held{environment="staging"}': 0,
    });
    expect(Object.keys(samples).filter((name) => name.startsWith('lieutenant_runs_total'))).toEqual([RUNS_SUCCEEDED]);
    const synced = samples['lieutenant_last_successful_sync_timestamp_seconds{environment="staging"}'] ?? 0;
    expect(synced).toBeGreaterThan(before);
    expect(synced).toBeLessThanOrEqual(Date.now() / 1000);

    // Then: Prometheus's own parser accepts the exposition
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(checked.error).toBeUndefined();
    expect({ status: checked.status, output: `${checked.stdout}${checked.stderr}` }).toEqual({ status: 0, output: '' });

    // Then: alive
    const health = await fetch(new URL('/healthz', url));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    // And SIGTERM with nothing in flight: exit 0
    process.kill(watch.pid, 'SIGTERM');
    const exit = await watch.exited;
    expect({ code: exit.code, signal: exit.signal }, exit.output).toEqual({ code: 0, signal: null });
  });

  it('given a watcher process rolling a release out in halves, when SIGTERM arrives as apt upgrades the first half, then those hosts finish and return, the second half is never touched, the lock is released and the process exits 0', async () => {
    // Given: halves, so SIGTERM lands with a batch in flight and one to come
    const hosts = hostNames(given.fleet);
    const { watch, followed } = await startWatchProcess({ batches: ['50%', '50%'], concurrency: 2 });
    const release = await followed.release('1.1');
    const { event: upgrading, events } = await journaled(followed.watched, 'host.upgrade.started', {
      process: watch,
      timeoutMs: 120_000,
    });
    const firstBatch = eventsOf(events, 'batch.started')[0]?.hosts ?? [];
    expect(firstBatch).toContain(upgrading.host);

    // When: systemd stops the service
    process.kill(watch.pid, 'SIGTERM');
    const exit = await watch.exited;

    // Then: exit 0, every host in rotation, the lock released
    expect({ code: exit.code, signal: exit.signal }, exit.output).toEqual({ code: 0, signal: null });
    expect(exit.stderr).toContain('stopping watch: finishing what is in flight');
    expect(await rotation(given.fleet)).toEqual(allUp(hosts));
    expect(await readLock(followed.watched.dir, 'staging')).toBeUndefined();
    // The run of the release ended aborted, leaving nobody out; the hosts it started on finished on 1.1
    const run = (await journals(followed.watched)).find(
      ({ events: journal }) => eventsOf(journal, 'run.started')[0]?.commit.sha === release,
    );
    const finished = eventsOf(run?.events ?? [], 'run.finished');
    expect(finished.map((event) => [event.result, event.hostsOut])).toEqual([['aborted', []]]);
    const installed = await installedVersions(given.fleet);
    const upgraded = hosts.filter((host) => installed[host] === '1.1').sort();
    expect(upgraded).toEqual([...(finished[0]?.changed ?? [])].sort());
    expect(firstBatch).toEqual(expect.arrayContaining(upgraded));
    expect(upgraded.length).toBeGreaterThan(0);
    expect(hosts.filter((host) => !firstBatch.includes(host)).map((host) => installed[host])).toEqual(
      hosts.filter((host) => !firstBatch.includes(host)).map(() => '1.0'),
    );
  });
});
