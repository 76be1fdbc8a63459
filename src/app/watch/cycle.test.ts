import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../../engine/testing/manual-clock.js';
import { fail, okVoid } from '../../core/result.js';
import { pollRemote } from '../../gitops/poll.js';
import {
  createGitSandbox,
  inventoryYaml,
  playbookYaml,
  type GitSandbox,
  type TestRepo,
} from '../../records/testing/git-fixture.js';
import type { PushNotice } from './listener/webhook.js';
import { createCycle } from './cycle.js';
import type { Cycle, CycleConfig } from './ports.js';
import type { WatchEventBody, WatchEventType } from './events.js';
import type { Alert, Notifier } from './notify.js';
import { fakeFleet, type FakeFleet } from './testing/fake-fleet.js';

const web = (version: string) => playbookYaml({ rollout: 'web', inventory: 'staging', version });
const MINUTE = 60_000;

describe('a watch cycle (real Git, pretend fleet)', () => {
  let sandbox: GitSandbox;
  let watched: TestRepo; // the clone watch runs in
  let author: TestRepo; // where someone commits and pushes
  let first: string;
  let fleet: FakeFleet;
  let clock: ManualClock;
  let events: WatchEventBody[];
  let alerts: Alert[];
  let notify: Notifier;
  const stop = new AbortController();

  const cycleWith = (config: Partial<CycleConfig> = {}): Cycle =>
    createCycle(
      {
        repoDir: watched.dir,
        branch: 'main',
        remote: 'origin',
        pushRemote: 'origin',
        driftAlertAfterMs: 5 * MINUTE,
        selfHeal: false,
        sync: { overrides: new Map(), remote: 'origin', watcherId: 'test watcher', presenceMs: 60_000 },
        ...config,
      },
      {
        clock,
        fetch: (remote, branch, signal) => pollRemote(watched.dir, { remote, branch, signal }),
        run: (request) => fleet.run(request),
        status: () => fleet.status(),
        plan: (request) => fleet.plan(request),
        announce: async () => [],
        notify,
      },
      (event) => events.push(event),
    );
  const tick = [{ kind: 'tick' as const }];
  const pushOf = (after: string, deliveryId = 'delivery-1'): { kind: 'push'; push: PushNotice } => ({
    kind: 'push',
    push: { deliveryId, ref: 'refs/heads/main', after, repository: undefined },
  });
  const typesOf = (list: WatchEventBody[]): WatchEventType[] => list.map((event) => event.type);
  const release = async (version: string, files: Record<string, string> = { 'playbooks/web.yaml': web(version) }) => {
    const sha = await author.commit(`web: demo ${version}`, files);
    await author.git.push('origin', 'main');
    return sha;
  };

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    const remote = await sandbox.bare();
    const seed = await sandbox.repo('seed');
    first = await seed.commit('web: demo 1.0', {
      'inventories/staging.yaml': inventoryYaml('staging'),
      'playbooks/web.yaml': web('1.0'),
    });
    await seed.git.addRemote('origin', remote);
    await seed.git.push('origin', 'main');
    watched = await sandbox.clone(remote, 'watched');
    author = await sandbox.clone(remote, 'author');
    fleet = fakeFleet(watched.dir, ['web-01', 'web-02'], '1.0');
    clock = createManualClock();
    events = [];
    alerts = [];
    notify = async (alert) => {
      alerts.push(alert);
      return okVoid;
    };
  });
  afterEach(() => sandbox.cleanup());

  it('given the deployed head, when a release is pushed, then the next cycle fast-forwards and runs web at exactly that commit, once', async () => {
    // Given: the first cycle deploys what the branch holds (nothing was deployed)
    const cycle = cycleWith();
    expect(await cycle(tick, stop.signal)).toBe(0);
    expect(fleet.runs).toEqual([{ rollout: 'web', rev: first, cause: 'commit' }]);

    // When
    const sha = await release('1.1');
    events = [];
    const code = await cycle(tick, stop.signal);

    // Then
    expect(code).toBe(0);
    expect(fleet.runs.at(-1)).toEqual({ rollout: 'web', rev: sha, cause: 'commit' });
    expect(fleet.installed).toEqual({ 'web-01': '1.1', 'web-02': '1.1' });
    expect(events).toEqual([
      { type: 'commit.new', before: first, after: sha, subject: 'web: demo 1.1' },
      { type: 'run.requested', rollout: 'web', environment: 'staging', commit: sha, cause: 'commit' },
      { type: 'run.ended', rollout: 'web', runId: 'run-2', cause: 'commit', result: 'succeeded', exitCode: 0 },
    ]);
    // And nothing more to do afterwards
    events = [];
    await cycle(tick, stop.signal);
    expect(fleet.runs).toHaveLength(2);
    expect(events).toEqual([]);
  });

  it('given a release pushed before the watcher started, then its first fetch reports the new commit and runs it', async () => {
    const sha = await release('1.1');

    await cycleWith()(tick, stop.signal);

    expect(events.slice(0, 2)).toEqual([
      { type: 'commit.new', before: first, after: sha, subject: 'web: demo 1.1' },
      { type: 'run.requested', rollout: 'web', environment: 'staging', commit: sha, cause: 'commit' },
    ]);
  });

  it('given a local branch that diverged from the remote, then the fetch failure is said once, nothing is merged, and nothing new runs while the remote cannot be followed', async () => {
    const cycle = cycleWith();
    await cycle(tick, stop.signal);
    const local = await watched.commit('local hotfix', { 'playbooks/web.yaml': web('1.0.1') });
    await release('1.1');
    events = [];

    await cycle(tick, stop.signal);
    await cycle(tick, stop.signal);

    expect(events.filter((event) => event.type === 'fetch.failed')).toEqual([
      {
        type: 'fetch.failed',
        remote: 'origin',
        branch: 'main',
        message: `local main (${local.slice(0, 7)}) has diverged from origin/main (${(await author.head()).slice(0, 7)})`,
        detail: 'watch only fast-forwards; it never merges or drops commits',
      },
    ]);
    expect(await watched.head()).toBe(local);
    expect(fleet.runs.map((run) => run.rev)).toEqual([first]);
  });

  it('given an invalid spec pushed, then nothing runs, every error is reported with its position and alerted once', async () => {
    const cycle = cycleWith();
    await cycle(tick, stop.signal);
    const bad = await release('1.1', {
      'playbooks/web.yaml': web('1.1').replace('strategy:', 'strategy:\n  batchez: 2'),
    });

    const code = await cycle(tick, stop.signal);
    await cycle(tick, stop.signal);

    expect(code).toBe(2);
    expect(fleet.runs).toHaveLength(1);
    const invalid = events.filter((event) => event.type === 'spec.invalid');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ commit: bad });
    expect(invalid[0]?.type === 'spec.invalid' && invalid[0].errors.join('\n')).toMatch(
      /^playbooks\/web\.yaml:\d+:\d+: .*batchez/m,
    );
    expect(alerts).toEqual([
      { type: 'invalid-spec', commit: bad, errors: invalid[0]?.type === 'spec.invalid' ? invalid[0].errors : [] },
    ]);
  });

  it('given the lock held by someone else, then the run is reported blocked once and tried again next cycle', async () => {
    const cycle = cycleWith();
    fleet.nextRuns.push(
      { exitCode: 4, message: 'staging is locked by run-x (bob)', details: [] },
      { exitCode: 4, message: 'staging is locked by run-x (bob)', details: [] },
    );

    const codes = [await cycle(tick, stop.signal), await cycle(tick, stop.signal), await cycle(tick, stop.signal)];

    expect(codes).toEqual([4, 4, 0]);
    expect(fleet.runs).toHaveLength(3);
    expect(typesOf(events)).toEqual(['run.requested', 'run.blocked', 'run.ended']);
    expect(fleet.installed).toEqual({ 'web-01': '1.0', 'web-02': '1.0' });
  });

  it('given a release that failed, then it is alerted, and the next cycle does not retry it', async () => {
    const cycle = cycleWith();
    await cycle(tick, stop.signal);
    const broken = await release('1.2');
    fleet.nextRuns.push('rolled-back');

    expect(await cycle(tick, stop.signal)).toBe(1);
    await cycle(tick, stop.signal);

    expect(fleet.runs.map((run) => run.rev)).toEqual([first, broken]);
    expect(alerts).toEqual([
      { type: 'run-failed', rollout: 'web', runId: 'run-2', commit: broken, result: 'rolled-back', cause: 'commit' },
    ]);
    expect(events.filter((event) => event.type === 'rollout.skipped')).toHaveLength(1);
  });

  it('given a deployed release reverted upstream, when a late push of the release arrives, then the push is ignored and the revert is what runs', async () => {
    const cycle = cycleWith({ remote: undefined });
    await cycle(tick, stop.signal);
    const sha = await release('1.1');
    await cycle([pushOf(sha, 'd-1')], stop.signal);
    await author.git.raw(['revert', '--no-edit', sha]);
    await author.git.push('origin', 'main');
    const revert = await author.head();
    events = [];

    await cycle([pushOf(sha, 'd-redelivered')], stop.signal);

    expect(events).toContainEqual({
      type: 'push.ignored',
      deliveryId: 'd-redelivered',
      after: sha,
      reason: `${sha.slice(0, 7)} was reverted on main; a reverted commit is never re-applied automatically`,
    });
    expect(fleet.runs.map((run) => run.rev)).toEqual([first, sha, revert]);
    expect(fleet.installed).toEqual({ 'web-01': '1.0', 'web-02': '1.0' });
  });

  it('given no remote to poll, then a tick does not fetch, and a push does', async () => {
    const cycle = cycleWith({ remote: undefined });
    await cycle(tick, stop.signal);
    const sha = await release('1.1');

    await cycle(tick, stop.signal);
    const afterTick = fleet.runs.length;
    await cycle([pushOf(sha)], stop.signal);

    expect(afterTick).toBe(1);
    expect(fleet.runs.at(-1)).toEqual({ rollout: 'web', rev: sha, cause: 'commit' });
  });

  it('given a push of the commit already deployed, then it is ignored as such', async () => {
    const cycle = cycleWith();
    await cycle(tick, stop.signal);

    await cycle([pushOf(first, 'd-9')], stop.signal);

    expect(events).toContainEqual({
      type: 'push.ignored',
      deliveryId: 'd-9',
      after: first,
      reason: `${first.slice(0, 7)} is already deployed`,
    });
    expect(fleet.runs).toHaveLength(1);
  });

  it('given a host changed by hand, then drift is seen, alerted once after --drift-alert-after, and not healed without --self-heal', async () => {
    const cycle = cycleWith();
    await cycle(tick, stop.signal);
    fleet.installed['web-02'] = '2.0';

    await cycle(tick, stop.signal);
    await clock.advance(5 * MINUTE - 1);
    await cycle(tick, stop.signal);
    const early = [...alerts];
    await clock.advance(1);
    await cycle(tick, stop.signal);
    await clock.advance(MINUTE);
    await cycle(tick, stop.signal);

    expect(early).toEqual([]);
    expect(alerts).toEqual([
      {
        type: 'drift',
        environment: 'staging',
        since: new Date(0).toISOString(),
        hosts: [
          {
            host: 'web-02',
            rollout: 'web',
            installed: { demo: '2.0' },
            expected: { demo: '1.0' },
            drift: ['demo'],
            outOfRotation: false,
          },
        ],
      },
    ]);
    expect(typesOf(events).filter((type) => type.startsWith('drift'))).toEqual(['drift.seen', 'drift.alerted']);
    expect(fleet.runs).toHaveLength(1);
    expect(fleet.installed['web-02']).toBe('2.0');
  });

  it('given --self-heal, then after the alert the rollout runs again at the deployed commit and the drift clears', async () => {
    const cycle = cycleWith({ selfHeal: true, driftAlertAfterMs: MINUTE });
    await cycle(tick, stop.signal);
    fleet.installed['web-01'] = '2.0';

    await cycle(tick, stop.signal);
    await clock.advance(MINUTE);
    await cycle(tick, stop.signal);
    await cycle(tick, stop.signal);

    expect(fleet.runs).toEqual([
      { rollout: 'web', rev: first, cause: 'commit' },
      { rollout: 'web', rev: first, cause: 'self-heal' },
    ]);
    expect(fleet.installed).toEqual({ 'web-01': '1.0', 'web-02': '1.0' });
    expect(typesOf(events).filter((type) => type.startsWith('drift') || type.startsWith('run'))).toEqual([
      'run.requested',
      'run.ended',
      'drift.seen',
      'drift.alerted',
      'run.requested',
      'run.ended',
      'drift.cleared',
    ]);
  });

  it('given the deployed release was reverted and the revert failed to run, then self-heal never goes back to the reverted release', async () => {
    const cycle = cycleWith({ selfHeal: true, driftAlertAfterMs: 0 });
    await cycle(tick, stop.signal);
    const sha = await release('1.1');
    await cycle(tick, stop.signal);
    await author.git.raw(['revert', '--no-edit', sha]);
    await author.git.push('origin', 'main');
    fleet.nextRuns.push('rolled-back');
    await cycle(tick, stop.signal); // the revert's run fails: deployed stays at the release
    fleet.installed['web-02'] = '2.0';

    await cycle(tick, stop.signal);

    expect(fleet.runs.map((run) => run.cause)).toEqual(['commit', 'commit', 'commit']);
    expect(events).toContainEqual({
      type: 'heal.skipped',
      environment: 'staging',
      rollout: 'web',
      reason: `the deployed ${sha.slice(0, 7)} was reverted since; a reverted commit is never re-applied automatically`,
    });
  });

  it('given an alert receiver that fails, then the failure is an event and the cycle carries on', async () => {
    notify = async () => fail('POST http://127.0.0.1:9/… failed (fetch failed: connect ECONNREFUSED)');
    const cycle = cycleWith({ driftAlertAfterMs: 0 });
    await cycle(tick, stop.signal);
    fleet.installed['web-01'] = '2.0';

    expect(await cycle(tick, stop.signal)).toBe(0);

    expect(typesOf(events).slice(-3)).toEqual(['drift.seen', 'drift.alerted', 'notify.failed']);
  });
});
