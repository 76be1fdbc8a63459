import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../../engine/testing/manual-clock.js';
import { okVoid } from '../../core/result.js';
import { pollRemote } from '../../gitops/poll.js';
import { readSyncLog } from '../../records/sync/sync-log.js';
import { PendingRecord, pendingRef, readRecord, requestRef } from '../../records/sync/sync-refs.js';
import {
  createGitSandbox,
  inventoryYaml,
  playbookYaml,
  type GitSandbox,
  type TestRepo,
} from '../../records/testing/git-fixture.js';
import { loadHistory } from '../history-service.js';
import { prepareSync, requestSync } from '../sync-service.js';
import { createCycle } from './cycle.js';
import { withdrawPresence } from './sync-step.js';
import type { Cycle } from './ports.js';
import type { WatchEventBody } from './events.js';
import type { Alert } from './notify.js';
import { fakeFleet, type FakeFleet } from './testing/fake-fleet.js';
import type { SyncPolicy } from '../../spec/schema.js';

const web = (version: string) => playbookYaml({ rollout: 'web', inventory: 'staging', version });
const shop = (version: string) => playbookYaml({ rollout: 'shop', inventory: 'production', version });
const manual = (environment: string) => `${inventoryYaml(environment)}sync: manual\n`;
const tick = [{ kind: 'tick' as const }];

// Each cycle is a dozen real git commands against the bare remote: slow on a busy machine, not a bug.
describe('watch under manual sync (real Git with a bare remote, pretend fleet)', { timeout: 120_000 }, () => {
  let sandbox: GitSandbox;
  let remote: string;
  let watched: TestRepo;
  let author: TestRepo;
  let staging: FakeFleet;
  let production: FakeFleet;
  let clock: ManualClock;
  let events: WatchEventBody[];
  let alerts: Alert[];
  /** Pending commits told to the inventory's webhooks. */
  let announced: string[];
  const stop = new AbortController();

  const cycleWith = (overrides: Record<string, SyncPolicy> = {}): Cycle =>
    createCycle(
      {
        repoDir: watched.dir,
        branch: 'main',
        remote: 'origin',
        pushRemote: 'origin',
        driftAlertAfterMs: 60_000,
        selfHeal: false,
        sync: {
          overrides: new Map(Object.entries(overrides)),
          remote: 'origin',
          watcherId: 'the watcher',
          presenceMs: 60_000,
        },
      },
      {
        clock,
        fetch: (from, branch, signal) => pollRemote(watched.dir, { remote: from, branch, signal }),
        run: (request) => (request.rollout === 'web' ? staging : production).run(request),
        status: () => staging.status(),
        plan: (request) => (request.rollout === 'web' ? staging : production).plan(request),
        announce: async (pending) => {
          announced.push(pending.commit);
          return [];
        },
        notify: async (alert) => {
          alerts.push(alert);
          return okVoid;
        },
      },
      (event) => events.push(event),
    );
  const release = async (message: string, files: Record<string, string>) => {
    const sha = await author.commit(message, files);
    await author.git.push('origin', 'main');
    return sha;
  };
  const ofType = <T extends WatchEventBody['type']>(type: T) =>
    events.filter((event): event is Extract<WatchEventBody, { type: T }> => event.type === type);
  const remoteRefs = async () =>
    (await author.git.raw(['ls-remote', remote, 'refs/lieutenant/*']))
      .split('\n')
      .map((line) => line.split('\t')[1])
      .filter(Boolean);
  /** `lieutenant sync ENV` from the author's clone, asking the watcher. */
  const askSync = async (environment: string, reason: string, commit?: string) => {
    const prepared = await prepareSync({
      repoDir: author.dir,
      environment,
      reason,
      ...(commit ? { commit } : {}),
      now: () => clock.now(),
    });
    if (!prepared.ok) throw new Error(prepared.error.message);
    expect(prepared.value.watcher?.watcher).toBe('the watcher');
    const asked = await requestSync(prepared.value);
    expect(asked.ok).toBe(true);
    return prepared.value;
  };

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    remote = await sandbox.bare();
    const seed = await sandbox.repo('seed');
    await seed.commit('staging web 1.0, production shop 1.0', {
      'inventories/staging.yaml': inventoryYaml('staging'),
      'playbooks/web.yaml': web('1.0'),
      'inventories/production.yaml': manual('production'),
      'playbooks/shop.yaml': shop('1.0'),
    });
    await seed.git.addRemote('origin', remote);
    await seed.git.push('origin', 'main');
    watched = await sandbox.clone(remote, 'watched');
    author = await sandbox.clone(remote, 'author');
    staging = fakeFleet(watched.dir, ['web-01', 'web-02'], '1.0');
    production = fakeFleet(watched.dir, ['shop-01', 'shop-02', 'shop-03'], '1.0', {
      rollout: 'shop',
      environment: 'production',
    });
    clock = createManualClock();
    events = [];
    alerts = [];
    announced = [];
  });
  afterEach(() => sandbox.cleanup());

  it('given staging automatic and production manual, when a push changes both, then staging runs at once and production is recorded as pending, notified once, and nothing runs there', async () => {
    // Given: the first cycle; nothing deployed yet, so production's first commit is pending too
    const cycle = cycleWith();
    await cycle(tick, stop.signal);
    expect(production.runs).toEqual([]);
    await askSync('production', 'first deploy');
    await cycle(tick, stop.signal);
    expect(production.runs.map((r) => r.cause)).toEqual(['sync']);
    events = [];
    alerts = [];

    // When
    const sha = await release('both to 1.1', { 'playbooks/web.yaml': web('1.1'), 'playbooks/shop.yaml': shop('1.1') });
    await cycle(tick, stop.signal);
    await cycle(tick, stop.signal);

    // Then: staging ran, once, at the push
    expect(staging.runs.at(-1)).toEqual({ rollout: 'web', rev: sha, cause: 'commit' });
    expect(staging.installed).toEqual({ 'web-01': '1.1', 'web-02': '1.1' });
    // And production did not: one pending record, one alert, every host unchanged
    expect(production.runs).toHaveLength(1);
    expect(production.installed).toEqual({ 'shop-01': '1.0', 'shop-02': '1.0', 'shop-03': '1.0' });
    expect(ofType('sync.pending')).toEqual([
      {
        type: 'sync.pending',
        environment: 'production',
        commit: sha,
        subject: 'both to 1.1',
        rollouts: ['shop'],
        hostsToChange: 3,
      },
    ]);
    expect(alerts.map((a) => [a.type, 'commit' in a ? a.commit : undefined])).toEqual([['out-of-sync', sha]]);
    expect(announced.filter((commit) => commit === sha)).toEqual([sha]);
    expect(alerts[0]).toMatchObject({
      environment: 'production',
      hostsToChange: 3,
      text: expect.stringContaining('lieutenant sync production'),
    });
    const pending = await readRecord(watched.dir, pendingRef('production'), PendingRecord);
    expect(pending).toMatchObject({ commit: sha, subject: 'both to 1.1', hostsToChange: 3, detectedBy: 'the watcher' });
    expect(pending?.rollouts[0]?.hosts.map((h) => h.changes)).toEqual(
      Array.from({ length: 3 }, () => [{ name: 'demo', from: '1.0', to: '1.1' }]),
    );
    // And the record is on the remote, where any clone finds it
    expect(await remoteRefs()).toEqual(
      expect.arrayContaining(['refs/lieutenant/pending/production', 'refs/lieutenant/watchers/production']),
    );
  });

  it('given a pending commit, when someone runs sync from another clone, then the watcher applies exactly that commit, records who and why, and clears it everywhere', async () => {
    // Given
    const cycle = cycleWith({ staging: 'manual' });
    await cycle(tick, stop.signal);
    const first = (await readRecord(watched.dir, pendingRef('production'), PendingRecord))?.commit;
    expect(staging.runs).toEqual([]); // --sync staging=manual: staging waits too

    // When
    await askSync('production', 'CAB-112');
    await cycle(tick, stop.signal);

    // Then
    expect(production.runs).toEqual([{ rollout: 'shop', rev: first, cause: 'sync', pushTo: 'origin' }]);
    expect(staging.runs).toEqual([]);
    expect(ofType('sync.applied')).toEqual([
      {
        type: 'sync.applied',
        environment: 'production',
        commit: first,
        by: 'Test Operator',
        runs: ['run-1'],
        exitCode: 0,
      },
    ]);
    expect(await readRecord(watched.dir, pendingRef('production'), PendingRecord)).toBeUndefined();
    expect(await remoteRefs()).not.toContain(pendingRef('production'));
    expect(await remoteRefs()).not.toContain(requestRef('production'));
    expect(await remoteRefs()).toContain(pendingRef('staging'));
    const history = await loadHistory(watched.dir, { environment: 'production' });
    expect(history[0]?.sync).toMatchObject({
      appliedBy: 'Test Operator',
      reason: 'CAB-112',
      detectedBy: 'the watcher',
    });
    // And the log reached the remote: the author's clone reads it too
    await author.git.raw(['fetch', 'origin', '+refs/notes/lieutenant-sync:refs/notes/lieutenant-sync']);
    expect((await readSyncLog(author.dir)).map((e) => [e.environment, e.event])).toEqual(
      expect.arrayContaining([
        ['production', 'detected'],
        ['production', 'applied'],
      ]),
    );
  });

  it('given a pending commit, when a second push arrives before sync, then it replaces the first (and says so), a sync of the first is refused, and a sync of the second applies the second', async () => {
    // Given
    const cycle = cycleWith();
    await cycle(tick, stop.signal);
    await askSync('production', 'deploy');
    await cycle(tick, stop.signal);
    const one = await release('shop 1.1', { 'playbooks/shop.yaml': shop('1.1') });
    await cycle(tick, stop.signal);
    const asked = await askSync('production', 'ship 1.1'); // the person reviewed 1.1…
    expect(asked.pending.commit).toBe(one);
    events = [];
    alerts = [];

    // When: …and 1.2 lands before the watcher took the request
    const two = await release('shop 1.2', { 'playbooks/shop.yaml': shop('1.2') });
    await cycle(tick, stop.signal);

    // Then
    expect(ofType('sync.pending')).toEqual([expect.objectContaining({ commit: two, supersedes: one })]);
    expect(alerts).toEqual([expect.objectContaining({ type: 'out-of-sync', commit: two, supersedes: one })]);
    expect(ofType('sync.refused')).toEqual([
      expect.objectContaining({ commit: one, message: expect.stringContaining('no longer pending') }),
    ]);
    expect(production.runs.map((r) => r.rev)).not.toContain(one);
    expect(production.installed['shop-01']).toBe('1.0');
    // And sync --commit of the first is refused before anything is asked
    const stale = await prepareSync({ repoDir: author.dir, environment: 'production', commit: one });
    expect(stale.ok ? 'accepted' : stale.error.message).toContain('is not the pending commit');

    // When: sync of what is pending now
    await askSync('production', 'ship 1.2', two);
    await cycle(tick, stop.signal);

    // Then
    expect(production.runs.at(-1)).toEqual({ rollout: 'shop', rev: two, cause: 'sync', pushTo: 'origin' });
    expect(production.installed).toEqual({ 'shop-01': '1.2', 'shop-02': '1.2', 'shop-03': '1.2' });
  });

  it('given a pending commit, when a revert cancels it, then the pending record is cleared and nothing runs', async () => {
    // Given
    const cycle = cycleWith();
    await cycle(tick, stop.signal);
    await askSync('production', 'deploy');
    await cycle(tick, stop.signal);
    const one = await release('shop 1.1', { 'playbooks/shop.yaml': shop('1.1') });
    await cycle(tick, stop.signal);
    const runs = production.runs.length;

    // When
    await author.git.raw(['revert', '--no-edit', one]);
    await author.git.push('origin', 'main');
    await cycle(tick, stop.signal);

    // Then
    expect(ofType('sync.cleared')).toEqual([expect.objectContaining({ environment: 'production', commit: one })]);
    expect(await readRecord(watched.dir, pendingRef('production'), PendingRecord)).toBeUndefined();
    expect(await remoteRefs()).not.toContain(pendingRef('production'));
    expect(production.runs).toHaveLength(runs);
  });

  it('given a second cycle with nothing new, then no second alert and no second record', async () => {
    const cycle = cycleWith();
    await cycle(tick, stop.signal);
    await cycle(tick, stop.signal);
    await cycle(tick, stop.signal);

    expect(ofType('sync.pending')).toHaveLength(1);
    expect(alerts).toHaveLength(1);
    expect((await readSyncLog(watched.dir)).filter((e) => e.event === 'detected')).toHaveLength(1);
  });

  it('given the watcher stopped, when someone syncs, then no watcher is present (sync runs it directly); with nothing pending, sync refuses', async () => {
    // Given
    const config = {
      repoDir: watched.dir,
      branch: 'main',
      remote: 'origin',
      pushRemote: 'origin',
      driftAlertAfterMs: 60_000,
      selfHeal: false,
      sync: { overrides: new Map(), remote: 'origin', watcherId: 'the watcher', presenceMs: 60_000 },
    };
    await cycleWith()(tick, stop.signal);

    // When
    await withdrawPresence(config, clock.now());
    const prepared = await prepareSync({ repoDir: author.dir, environment: 'production', now: () => clock.now() });

    // Then
    expect(prepared.ok && prepared.value.watcher).toBe(undefined);
    expect(prepared.ok && prepared.value.pending.rollouts.map((r) => r.rollout)).toEqual(['shop']);
    const none = await prepareSync({ repoDir: author.dir, environment: 'staging' });
    expect(none.ok ? 'accepted' : [none.error.message, ...none.error.details]).toEqual([
      'nothing is pending for staging; nothing was applied',
      'pending: production',
    ]);
  });

  it('given a pending commit applied from another clone without the watcher, when the watcher cycles again, then it takes the deployed ref from the remote and neither holds nor notifies the commit again', async () => {
    // Given: pending, then applied elsewhere: its deployed ref pushed, its record cleared on the remote
    const cycle = cycleWith();
    await cycle(tick, stop.signal);
    const pending = await readRecord(watched.dir, pendingRef('production'), PendingRecord);
    await author.git.raw(['fetch', 'origin']);
    await author.git.raw(['update-ref', 'refs/lieutenant/deployed/production/shop', pending!.commit]);
    await author.git.raw([
      'push',
      'origin',
      'refs/lieutenant/deployed/production/shop',
      `:${pendingRef('production')}`,
    ]);
    events = [];
    alerts = [];

    // When
    await cycle(tick, stop.signal);

    // Then
    expect(ofType('sync.pending')).toEqual([]);
    expect(alerts).toEqual([]);
    expect(production.runs).toEqual([]);
    expect(await readRecord(watched.dir, pendingRef('production'), PendingRecord)).toBeUndefined();
  });

  it('given production pending, when a push changes only staging, then production keeps its pending commit and is not notified again', async () => {
    // Given
    const cycle = cycleWith();
    await cycle(tick, stop.signal);
    const pending = await readRecord(watched.dir, pendingRef('production'), PendingRecord);
    events = [];
    alerts = [];

    // When
    const sha = await release('web 1.1', { 'playbooks/web.yaml': web('1.1') });
    await cycle(tick, stop.signal);

    // Then
    expect(staging.runs.at(-1)).toEqual({ rollout: 'web', rev: sha, cause: 'commit' });
    expect(ofType('sync.pending')).toEqual([]);
    expect(alerts).toEqual([]);
    expect((await readRecord(watched.dir, pendingRef('production'), PendingRecord))?.commit).toBe(pending?.commit);
  });
});
