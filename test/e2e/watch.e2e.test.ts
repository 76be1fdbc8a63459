/**
 * `lieutenant watch` against the real fleet (OpenSSH, apt, HAProxy), driven
 * the way a team meets it: a release is a commit pushed to the remote the
 * watcher follows — by polling, or by a signed GitHub webhook — and drift is
 * someone installing a package by hand. Every wait is on a condition.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deployedCommit } from '../../src/records/deploy/deployed.js';
import type { Fleet } from '../fleet/fleet.js';
import { waitFor } from '../fleet/fleet.js';
import { allOn, installedVersions } from './support/fleet-state.js';
import { freshFleet, hostNames, useFreshFleet } from './support/given-fleet.js';
import { eventsOf, journals, runLieutenant, startLieutenant, type StartedLieutenant } from './support/lieutenant.js';
import { makeFollowedRepo, type FollowedRepo } from './watch-support/followed-repo.js';
import { deliverPush, startAlertReceiver, type AlertReceiver } from './watch-support/http.js';

const SECRET = 'e2e webhook secret, never logged';

const given = useFreshFleet();
let repo: FollowedRepo | undefined;
let receiver: AlertReceiver | undefined;
const watchers: Array<{ stop: AbortController; started: StartedLieutenant }> = [];

/** `lieutenant watch ARGS --repo <watched>`, in-process; stop() is Ctrl-C, and resolves with the exit code. */
function startWatch(args: string[]) {
  const stop = new AbortController();
  const started = startLieutenant(['watch', ...args], { repo: repo!.watched, signal: stop.signal });
  watchers.push({ stop, started });
  return {
    stdout: started.stdout,
    stop: async () => {
      stop.abort(new Error('interrupted (Ctrl-C)'));
      return started.result;
    },
  };
}

const deployedWeb = () => deployedCommit(repo!.watched.dir, 'staging', 'web');

afterEach(async () => {
  for (const { stop, started } of watchers.splice(0)) {
    stop.abort();
    await started.result;
  }
  await receiver?.close();
  receiver = undefined;
  await repo?.remove();
  repo = undefined;
  await freshFleet();
});

describe('lieutenant watch against the fleet', () => {
  it('given watch following origin/main every second, when a release of demo 1.1 is pushed from another clone, then every host ends on 1.1 and the deployed ref moves to that commit', async () => {
    // Given
    const hosts = hostNames(given.fleet);
    repo = await makeFollowedRepo(given.fleet);
    const watch = startWatch(['--remote', 'origin', '--interval', '1s']);

    // When
    const release = await repo.release('1.1');

    // Then
    await waitFor(async () => (await deployedWeb()) === release, {
      what: `deployed ref at the release; watch said:\n${watch.stdout()}`,
      timeoutMs: 180_000,
      intervalMs: 500,
    });
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
    expect(await repo.watched.git('rev-parse', 'HEAD')).toBe(`${release}\n`);
    const runs = await journals(repo.watched);
    const releaseRun = runs.find(({ events }) => eventsOf(events, 'run.started')[0]?.commit.sha === release);
    expect(
      eventsOf(releaseRun?.events ?? [], 'run.finished').map((event) => [event.result, event.changed.sort()]),
    ).toEqual([['succeeded', hosts]]);

    const result = await watch.stop();
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`watch: new commit ${release.slice(0, 7)} "Release demo 1.1"`));
    expect(result.stdout).toMatch(/watch: stopped/);
  });

  it('given watch serving the webhook, then a delivery with a wrong signature gets 401 and nothing runs, a signed one is rolled out, and its redelivery is ignored', async () => {
    // Given: the fleet deployed at the first commit, and a release pushed but not yet announced
    const hosts = hostNames(given.fleet);
    repo = await makeFollowedRepo(given.fleet);
    const deploy = await runLieutenant(['run', 'web', '--yes'], { repo: repo.watched });
    expect(deploy.code, deploy.output).toBe(0);
    const secretFile = join(repo.watched.dir, '.lieutenant', 'webhook-secret'); // .lieutenant/ is kept out of Git
    await mkdir(dirname(secretFile), { recursive: true });
    await writeFile(secretFile, `${SECRET}\n`, { mode: 0o600 });
    const watch = startWatch(['--listen', '127.0.0.1:0', '--secret-file', secretFile, '--interval', '1s']);
    const url = await waitFor(() => /webhook on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(watch.stdout())?.[1], {
      what: 'the webhook address',
      timeoutMs: 30_000,
    });
    const release = await repo.release('1.1');
    const journalsBefore = (await journals(repo.watched)).length;

    // When: a forged delivery
    const forged = await deliverPush(url, { secret: 'not the secret', after: release, deliveryId: 'delivery-forged' });

    // Then: refused, and the watcher says so; nothing fetched
    expect(forged.status).toBe(401);
    await waitFor(() => watch.stdout().includes('webhook request refused with 401: bad signature'), {
      what: 'the 401 logged',
    });
    expect(await repo.watched.git('rev-parse', 'HEAD')).not.toBe(`${release}\n`);

    // When: the real delivery, then GitHub redelivers it
    const signed = await deliverPush(url, { secret: SECRET, after: release, deliveryId: 'delivery-1' });
    const again = await deliverPush(url, { secret: SECRET, after: release, deliveryId: 'delivery-1' });

    // Then
    expect([signed.status, again.status]).toEqual([202, 200]);
    await waitFor(async () => (await deployedWeb()) === release, {
      what: `deployed ref at the release; watch said:\n${watch.stdout()}`,
      timeoutMs: 180_000,
      intervalMs: 500,
    });
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.1'));
    // Exactly one run came of the three deliveries: the signed one
    const runs = (await journals(repo.watched)).slice(journalsBefore);
    expect(runs.map(({ events }) => eventsOf(events, 'run.started')[0]?.commit.sha)).toEqual([release]);

    const result = await watch.stop();
    expect(result.code, result.output).toBe(0);
    expect(result.output).not.toContain(SECRET);
  });

  it('given a host changed by hand, then the drift is alerted to the --notify endpoint naming exactly that host; without --self-heal it stays, with --self-heal --yes it is brought back to the deployed version', async () => {
    // Given: deployed at 1.0, then someone installs 2.0 on one host
    const hosts = hostNames(given.fleet);
    const [, , tampered = 'web-03'] = hosts;
    repo = await makeFollowedRepo(given.fleet);
    const deploy = await runLieutenant(['run', 'web', '--yes'], { repo: repo.watched });
    expect(deploy.code, deploy.output).toBe(0);
    const deployed = await deployedWeb();
    receiver = await startAlertReceiver();
    const install = await given.fleet.ssh(
      tampered,
      'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades demo=2.0',
    );
    expect(install.code, install.stderr).toBe(0);
    const flags = ['--interval', '1s', '--drift-alert-after', '1s', '--notify', receiver.url];

    // When: watching without --self-heal
    const watch = startWatch(flags);
    const [alert] = await waitFor(() => (receiver!.alerts.length > 0 ? receiver!.alerts : undefined), {
      what: `a drift alert; watch said:\n${watch.stdout()}`,
      timeoutMs: 60_000,
    });

    // Then: one alert naming exactly that host, its version and the deployed one
    expect(alert).toMatchObject({ type: 'drift', environment: 'staging' });
    expect(alert?.hosts).toEqual([
      {
        host: tampered,
        rollout: 'web',
        installed: { demo: '2.0' },
        expected: { demo: '1.0' },
        drift: ['demo'],
        outOfRotation: false,
      },
    ]);
    expect(Date.parse(String(alert?.since))).not.toBeNaN();
    // Several more drift checks pass (each one logs into the host's real sshd): still one alert per episode, nothing healed
    const checksSoFar = await sshSessions(given.fleet, tampered);
    await waitFor(async () => (await sshSessions(given.fleet, tampered)) >= checksSoFar + 3, {
      what: 'three more drift checks',
      timeoutMs: 30_000,
    });
    const stopped = await watch.stop();
    expect(stopped.code, stopped.output).toBe(0);
    expect(receiver.alerts).toHaveLength(1);
    expect((await installedVersions(given.fleet))[tampered]).toBe('2.0');
    expect(await deployedWeb()).toBe(deployed);

    // When: watching with --self-heal --yes
    const healing = startWatch([...flags, '--self-heal', '--yes']);

    // Then: alerted again (a new watcher, a new episode), and the host is back on the deployed version
    // (the drift clears on the check after the heal run has finished)
    await waitFor(() => healing.stdout().includes(`${tampered} (web) no longer drifts`), {
      what: `the drift cleared; watch said:\n${healing.stdout()}`,
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    expect(healing.stdout()).toMatch(/watch: heal \S+ of web: succeeded/);
    expect(await installedVersions(given.fleet)).toEqual(allOn(hosts, '1.0'));
    expect(receiver.alerts).toHaveLength(2);
    expect(receiver.alerts[1]?.hosts).toEqual(alert?.hosts);
    const heal = (await journals(repo.watched)).at(-1)?.events ?? [];
    expect(eventsOf(heal, 'run.started')[0]?.commit.sha).toBe(deployed);
    expect(eventsOf(heal, 'run.finished').map((event) => [event.result, event.changed])).toEqual([
      ['succeeded', [tampered]],
    ]);

    const result = await healing.stop();
    expect(result.code, result.output).toBe(0);
  });
});

/** SSH sessions the host's sshd accepted so far: every drift check opens one. */
async function sshSessions(on: Fleet, host: string): Promise<number> {
  const log = await readFile(join(on.dir, 'hosts', host, 'sshd.log'), 'utf8');
  return log.split('\n').filter((line) => line.startsWith('Accepted publickey')).length;
}
