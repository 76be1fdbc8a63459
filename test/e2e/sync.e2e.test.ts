/**
 * Manual sync against the real fleet (OpenSSH, apt, HAProxy): one rollout
 * repo with a bare remote, staging (web-01, automatic) and production (the
 * other web hosts, `sync: manual`), one `lieutenant watch` following both,
 * `--notify` to a local HTTP receiver, and a person in another clone who
 * pushes releases and runs `lieutenant sync production`. Every wait is on a
 * condition.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { deployedCommit } from '../../src/records/deploy/deployed.js';
import { waitFor } from '../fleet/fleet.js';
import { installedVersions } from './support/fleet-state.js';
import { freshFleet, hostNames, useFreshFleet } from './support/given-fleet.js';
import { eventsOf, journals, runLieutenant, startLieutenant, type StartedLieutenant } from './support/lieutenant.js';
import type { RolloutRepo } from './support/rollout-repo.js';
import { makeFollowedRepo, type FollowedRepo } from './watch-support/followed-repo.js';
import { startAlertReceiver, type AlertReceiver } from './watch-support/http.js';

const given = useFreshFleet();
let repo: FollowedRepo | undefined;
let receiver: AlertReceiver | undefined;
const watchers: Array<{ stop: AbortController; started: StartedLieutenant }> = [];

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

/** Production: the web hosts but the first, under `sync: manual`, with a `shop` playbook like `web`. */
async function addProduction(clone: RolloutRepo, hosts: string[], webhook: string): Promise<void> {
  const inventory = parse(await readFile(join(clone.dir, 'inventories', 'staging.yaml'), 'utf8')) as {
    environment: string;
    sync?: string;
    notifications?: unknown[];
    groups: Record<string, { hosts: Record<string, unknown> }>;
  };
  const all = inventory.groups.web?.hosts ?? {};
  inventory.environment = 'production';
  inventory.sync = 'manual';
  inventory.notifications = [{ webhook: { url: webhook, on: ['sync.pending'] } }];
  inventory.groups = { web: { ...inventory.groups.web!, hosts: pick(all, hosts.slice(1)) } };
  await writeFile(join(clone.dir, 'inventories', 'production.yaml'), stringify(inventory, { lineWidth: 0 }));
  const staging = parse(await readFile(join(clone.dir, 'inventories', 'staging.yaml'), 'utf8')) as typeof inventory;
  staging.groups = { web: { ...staging.groups.web!, hosts: pick(all, hosts.slice(0, 1)) } };
  await writeFile(join(clone.dir, 'inventories', 'staging.yaml'), stringify(staging, { lineWidth: 0 }));
  const playbook = (await readFile(clone.playbookPath, 'utf8'))
    .replace(/^rollout: web$/m, 'rollout: shop')
    .replace(/^inventory: staging$/m, 'inventory: production')
    .replace(/maxUnavailable: .*$/m, 'maxUnavailable: 1');
  await writeFile(join(clone.dir, 'playbooks', 'shop.yaml'), playbook);
  await writeFile(
    clone.playbookPath,
    (await readFile(clone.playbookPath, 'utf8')).replace(/maxUnavailable: .*$/m, 'maxUnavailable: 1'),
  );
  await clone.git('add', '.');
  await clone.git('commit', '-q', '-m', 'Production under manual sync');
}

const pick = (all: Record<string, unknown>, names: string[]) =>
  Object.fromEntries(Object.entries(all).filter(([name]) => names.includes(name)));

/** Pins demo to VERSION in these playbooks, in the pushing clone, and pushes: "Release …". */
async function release(versions: { web?: string; shop?: string }): Promise<string> {
  const pusher = repo!.pusher;
  for (const [playbook, version] of Object.entries(versions)) {
    const path = join(pusher.dir, 'playbooks', `${playbook}.yaml`);
    await writeFile(path, (await readFile(path, 'utf8')).replace(/demo: .*$/m, `demo: "${version}"`));
  }
  const subject = `Release ${Object.entries(versions)
    .map(([playbook, version]) => `${playbook} ${version}`)
    .join(', ')}`;
  await pusher.git('commit', '-q', '-am', subject);
  await pusher.git('push', '-q', 'origin', 'main');
  return (await pusher.git('rev-parse', 'HEAD')).trim();
}

/** What the receiver got: `--notify` alerts (out-of-sync) or the inventory's messages (sync.pending). */
const received = (type: string) => receiver!.alerts.filter((body) => body.type === type);

const productionStatus = async () => {
  const status = await runLieutenant(['status', 'production', '--json'], { repo: repo!.watched });
  return status.json.find((line) => line.type === 'environment') as { sync: { pending?: Record<string, unknown> } };
};

describe('lieutenant watch with staging automatic and production manual', () => {
  it('runs staging at once, holds production as pending (one notification, no host changed), lets a newer push replace it, applies exactly the pending commit on lieutenant sync, and runs it directly when no watcher is left', async () => {
    // Given: staging = web-01, production = the other web hosts, both deployed at 1.0
    const hosts = hostNames(given.fleet).filter((name) => name.startsWith('web-'));
    const [stagingHost = 'web-01', ...productionHosts] = hosts;
    repo = await makeFollowedRepo(given.fleet);
    await repo.pusher.git('pull', '-q');
    receiver = await startAlertReceiver();
    await addProduction(repo.pusher, hosts, receiver.url);
    await repo.pusher.git('push', '-q', 'origin', 'main');
    await repo.watched.git('pull', '-q', 'origin', 'main');
    for (const rollout of ['web', 'shop']) {
      const deploy = await runLieutenant(['run', rollout, '--yes'], { repo: repo.watched });
      expect(deploy.code, deploy.output).toBe(0);
    }
    const watch = startWatch(['--remote', 'origin', '--interval', '1s', '--notify', receiver.url]);
    const productionBefore = (await journals(repo.watched)).length;

    // When: a release of both
    const first = await release({ web: '1.1', shop: '1.1' });

    // Then: staging is rolled out by itself…
    await waitFor(async () => (await deployedCommit(repo!.watched.dir, 'staging', 'web')) === first, {
      what: `staging deployed at the release; watch said:\n${watch.stdout()}`,
      timeoutMs: 180_000,
      intervalMs: 500,
    });
    // …and production is pending: one notification, every production host unchanged
    const [alert] = await waitFor(() => (received('out-of-sync').length > 0 ? received('out-of-sync') : undefined), {
      what: `an out-of-sync notification; watch said:\n${watch.stdout()}`,
      timeoutMs: 60_000,
    });
    expect(alert).toMatchObject({
      type: 'out-of-sync',
      environment: 'production',
      commit: first,
      hostsToChange: productionHosts.length,
    });
    const installed = await installedVersions(given.fleet);
    expect(installed[stagingHost]).toBe('1.1');
    for (const host of productionHosts) expect(installed[host]).toBe('1.0');
    expect((await productionStatus()).sync.pending).toMatchObject({
      commit: first,
      hostsToChange: productionHosts.length,
    });
    const text = await runLieutenant(['status', 'production'], { repo: repo.watched });
    expect(text.stdout).toMatch(
      new RegExp(
        `out of sync: ${first.slice(0, 7)} Release web 1.1, shop 1.1 pending since \\S+, ${productionHosts.length} hosts to change`,
      ),
    );

    // When: a second push before anyone syncs
    const second = await release({ shop: '2.0' });

    // Then: it replaces the first, and says so (a second notification, naming the first)
    await waitFor(() => (received('out-of-sync').length > 1 ? received('out-of-sync') : undefined), {
      what: `a second notification; watch said:\n${watch.stdout()}`,
      timeoutMs: 60_000,
    });
    expect(received('out-of-sync')[1]).toMatchObject({ type: 'out-of-sync', commit: second, supersedes: first });
    expect((await productionStatus()).sync.pending).toMatchObject({ commit: second });
    expect(watch.stdout()).toContain(`it replaces the pending ${first.slice(0, 7)}`);

    // When: someone runs sync from the other clone
    const sync = await runLieutenant(['sync', 'production', '--reason', 'e2e: ship 2.0'], { repo: repo.pusher });

    // Then: the watcher applies exactly that commit to production
    expect(sync.code, sync.output).toBe(0);
    expect(sync.stdout).toContain(`apply ${second.slice(0, 7)}`);
    await waitFor(async () => (await deployedCommit(repo!.watched.dir, 'production', 'shop')) === second, {
      what: `production deployed at the second push; watch said:\n${watch.stdout()}`,
      timeoutMs: 180_000,
      intervalMs: 500,
    });
    const after = await installedVersions(given.fleet);
    for (const host of productionHosts) expect(after[host]).toBe('2.0');
    const shopRuns = (await journals(repo.watched))
      .slice(productionBefore)
      .map(({ events }) => eventsOf(events, 'run.started')[0])
      .filter((started) => started?.rollout === 'shop');
    expect(shopRuns.map((started) => started?.commit.sha)).toEqual([second]);
    expect(received('out-of-sync')).toHaveLength(2);
    // The inventory's webhook was told the same, once per pending commit
    expect(received('sync.pending').map((body) => (body.commit as { sha: string }).sha)).toEqual([first, second]);
    await waitFor(async () => (await productionStatus()).sync.pending === undefined, {
      what: 'the pending record cleared',
    });
    const history = await runLieutenant(['history', 'production', '--json'], { repo: repo.watched });
    expect(
      history.json.find((entry) => entry.rollout === 'shop' && (entry.commit as { sha: string }).sha === second),
    ).toMatchObject({
      sync: { appliedBy: 'Pushing Operator', reason: 'e2e: ship 2.0' },
    });

    // When: one more push is held as pending, and the watcher stops before anyone syncs
    const third = await release({ shop: '1.1' });
    await waitFor(() => (received('out-of-sync').length > 2 ? received('out-of-sync') : undefined), {
      what: `a third notification; watch said:\n${watch.stdout()}`,
      timeoutMs: 60_000,
    });
    const stopped = await watch.stop();
    expect(stopped.code, stopped.output).toBe(0);
    const direct = await runLieutenant(['sync', 'production', '--yes', '--reason', 'watcher down'], {
      repo: repo.pusher,
    });

    // Then: sync runs it itself, at exactly that commit
    expect(direct.code, direct.output).toBe(0);
    expect(direct.stderr).toContain('no watcher holds production');
    const last = await installedVersions(given.fleet);
    for (const host of productionHosts) expect(last[host]).toBe('1.1');
    expect(await deployedCommit(repo.pusher.dir, 'production', 'shop')).toBe(third);
  });
});
