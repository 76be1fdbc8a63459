/**
 * The Git remote as the coordinator: two real `lieutenant watch`
 * processes, each in its own clone of one bare remote, against the real
 * fleet (OpenSSH, apt, HAProxy). A pushed commit is run once, by whichever
 * watcher takes the environment's lock on the remote; when the active one is
 * killed mid-batch (SIGKILL, its whole process group) the standby takes the
 * lock over once the lease lapses, brings the run's journal in from the
 * remote and finishes that very run: every host back in rotation, on the
 * committed version. The same with no watcher: a `run` killed in one clone is
 * finished by `lieutenant resume` in another. And a `run` from a clone while
 * another clone's run holds the lock exits 4, naming it and where it runs.
 * Every wait is on a condition.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/index.js';
import { runChecked } from '../fleet/exec.js';
import { waitFor } from '../fleet/wait.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { eventsOf, journals } from './support/lieutenant.js';
import { spawnLieutenant, type LieutenantProcess, type ProcessExit } from './support/lieutenant-process.js';
import type { RolloutRepo } from './support/rollout-repo.js';
import { makeFollowedRepo, type FollowedRepo } from './watch-support/followed-repo.js';

const given = useFreshFleet();
let repo: FollowedRepo | undefined;
let standbyRoot: string | undefined;
const started: LieutenantProcess[] = [];

afterEach(async () => {
  // A failed test must not leave a watcher behind, holding the lock or the fleet.
  await Promise.all(started.splice(0).map((process) => process.killHard()));
  await repo?.remove();
  repo = undefined;
  if (standbyRoot) await rm(standbyRoot, { recursive: true, force: true });
  standbyRoot = undefined;
});

/** The lease of these tests: short, so the standby does not wait long for a dead holder. */
const LEASE = '3s';
const watchArgs = ['watch', '--remote', 'origin', '--interval', '500ms', '--yes', '--lease', LEASE];

/** A second clone of the remote, for the standby watcher. */
async function cloneOf(followed: FollowedRepo): Promise<RolloutRepo> {
  standbyRoot = await mkdtemp(join(tmpdir(), 'lieutenant-standby-'));
  const dir = join(standbyRoot, 'rollouts');
  await runChecked('git', ['clone', '-q', followed.remoteDir, dir]);
  const git = (...args: string[]) => runChecked('git', args, { cwd: dir });
  await git('config', 'user.name', 'Standby Watcher');
  await git('config', 'user.email', 'standby@lieutenant.invalid');
  return {
    dir,
    playbookPath: join(dir, 'playbooks', 'web.yaml'),
    knownHostsPath: followed.watched.knownHostsPath,
    git,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

function watchIn(clone: RolloutRepo): LieutenantProcess {
  const process = spawnLieutenant(watchArgs, { repo: clone });
  started.push(process);
  return process;
}

/** What the remote holds under `ref`, or '' when it has no such ref. */
async function remoteRef(remoteDir: string, ref: string): Promise<string> {
  const out = await runChecked('git', ['ls-remote', remoteDir, ref]);
  return out.split('\t')[0]?.trim() ?? '';
}

/** The runs noted on `sha` in the remote's refs/notes/lieutenant. */
async function remoteNote(remoteDir: string, sha: string): Promise<Array<{ runId: string; result: string }>> {
  const text = await runChecked('git', ['--git-dir', remoteDir, 'notes', '--ref', 'lieutenant', 'show', sha]);
  return JSON.parse(text) as Array<{ runId: string; result: string }>;
}

/** Journals of every clone whose first part applies `sha`. */
async function runsOf(sha: string, ...clones: RolloutRepo[]) {
  const all = (
    await Promise.all(clones.map(async (clone) => (await journals(clone)).map((j) => ({ clone, ...j }))))
  ).flat();
  return all.filter(({ events }) => eventsOf(events, 'run.started')[0]?.commit.sha === sha);
}

const said = (...processes: LieutenantProcess[]) =>
  processes.map((p, i) => `--- watcher ${i + 1} (pid ${p.pid}) ---\n${p.stdout()}\n${p.stderr()}`).join('\n');

describe('two watchers on two clones of one remote', () => {
  it('given an active and a standby watcher, when a release is pushed, then it runs exactly once and both see it deployed', async () => {
    // Given
    const hosts = hostNames(given.fleet).slice(0, 4);
    repo = await makeFollowedRepo(given.fleet, { hosts });
    const standby = await cloneOf(repo);
    const first = watchIn(repo.watched);
    const second = watchIn(standby);

    // When
    const release = await repo.release('1.1');

    // Then: deployed on the remote, and the standby's clone knows it too (it fetched the record)
    const remoteDir = repo.remoteDir;
    await waitFor(async () => (await remoteRef(remoteDir, 'refs/lieutenant/deployed/staging/web')) === release, {
      what: `the deployed ref on the remote at the release\n${said(first, second)}`,
      timeoutMs: 180_000,
      intervalMs: 300,
    });
    for (const clone of [repo.watched, standby])
      await waitFor(
        async () =>
          (
            await clone.git('rev-parse', '-q', '--verify', 'refs/lieutenant/deployed/staging/web').catch(() => '')
          ).trim() === release,
        {
          what: `${clone.dir} to know the release is deployed\n${said(first, second)}`,
          timeoutMs: 30_000,
          intervalMs: 200,
        },
      );
    const runs = await runsOf(release, repo.watched, standby);
    expect(
      runs.map(({ events }) => eventsOf(events, 'run.finished').map((e) => e.result)),
      said(first, second),
    ).toEqual([['succeeded']]);
    await waitFor(async () => (await remoteRef(remoteDir, 'refs/lieutenant/locks/staging')) === '', {
      what: 'the lock released on the remote',
    });
    expect((await remoteNote(remoteDir, release)).map((r) => r.runId)).toEqual(runs.map((r) => r.runId));
    expect(await installedVersions(given.fleet, hosts)).toEqual(allOn(hosts, '1.1'));
    expect(await remoteRef(remoteDir, `refs/lieutenant/runs/${runs[0]?.runId ?? ''}`)).toBe('');
  });

  it('given an active and a standby watcher, when the active one is SIGKILLed mid-batch, then the standby takes the lock over after the lease and finishes that run: every host in rotation on the committed version', async () => {
    // Given
    const hosts = hostNames(given.fleet).slice(0, 4);
    repo = await makeFollowedRepo(given.fleet, { hosts });
    const standbyClone = await cloneOf(repo);
    const watchers = [watchIn(repo.watched), watchIn(standbyClone)];
    const clones = [repo.watched, standbyClone];
    const release = await repo.release('1.1');

    // When: whichever watcher got the lock is killed as it upgrades its first batch (drained, mid-install)
    const { index, upgrading } = await waitFor(
      async () => {
        for (const [i, clone] of clones.entries()) {
          const found = await journals(clone).catch(() => []);
          const run = found.find(({ events }) => eventsOf(events, 'host.upgrade.started').length > 0);
          if (run) return { index: i, upgrading: run };
        }
        return undefined;
      },
      { what: `a watcher upgrading the first batch\n${said(...watchers)}`, timeoutMs: 120_000, intervalMs: 20 },
    );
    const active = watchers[index]!;
    const standby = watchers[1 - index]!;
    const killed: ProcessExit = await active.killHard();
    expect(killed.signal, killed.output).toBe('SIGKILL');
    const runId = upgrading.runId;
    const drained = eventsOf(upgrading.events, 'batch.started')[0]?.hosts ?? [];
    expect(drained.length, JSON.stringify(upgrading.events)).toBeGreaterThan(0);

    // Then: the standby finishes that very run, once the lease lapsed
    const remoteDir = repo.remoteDir;
    await waitFor(async () => (await remoteRef(remoteDir, 'refs/lieutenant/deployed/staging/web')) === release, {
      what: `the standby to finish run ${runId}\n${said(standby, active)}`,
      timeoutMs: 180_000,
      intervalMs: 300,
    });
    expect(standby.stderr()).toContain(`took over the lock of staging from run ${runId}`);
    expect(standby.stderr()).toContain(`run ${runId} of this commit was interrupted`);
    const standbyRepo = clones[1 - index]!;
    const finished = (await journals(standbyRepo)).find((j) => j.runId === runId);
    const events: RunEvent[] = finished?.events ?? [];
    expect(
      eventsOf(events, 'run.started').map((e) => e.resumes),
      said(standby),
    ).toEqual([undefined, runId]);
    expect(eventsOf(events, 'run.finished').map((e) => [e.result, e.hostsOut])).toEqual([['succeeded', []]]);
    // …exactly once: no other run of the release, one record of it on the remote (pushed before the lock is let go)
    await waitFor(async () => (await remoteRef(remoteDir, 'refs/lieutenant/locks/staging')) === '', {
      what: `the lock released on the remote\n${said(standby)}`,
    });
    expect((await runsOf(release, ...clones)).map((r) => r.runId)).toEqual([runId, runId]);
    expect((await remoteNote(remoteDir, release)).map((r) => [r.runId, r.result])).toEqual([[runId, 'succeeded']]);
    // …and the fleet as committed, every server serving
    expect(await installedVersions(given.fleet, hosts)).toEqual(allOn(hosts, '1.1'));
    expect(await rotation(given.fleet)).toEqual(allUp(hostNames(given.fleet)));
    expect(await remoteRef(remoteDir, `refs/lieutenant/runs/${runId}`)).toBe('');
  });

  it('given a run holding staging in one clone (waiting at its pause gate), when an operator runs it from another clone, then that exits 4 naming the run and where it runs', async () => {
    // Given
    repo = await makeFollowedRepo(given.fleet, {
      hosts: hostNames(given.fleet).slice(0, 2),
      playbook: { strategy: { pause: 'approve' } },
    });
    const laptop = await cloneOf(repo);
    await repo.release('1.1');
    await repo.watched.git('pull', '-q', 'origin', 'main');
    await laptop.git('pull', '-q', 'origin', 'main');
    const holder = spawnLieutenant(['run', 'web', '--lease', LEASE], { repo: repo.watched });
    started.push(holder);
    const gate = await waitFor(
      async () => {
        const [journal] = await journals(repo!.watched).catch(() => []);
        return journal && eventsOf(journal.events, 'gate.waiting').length > 0 ? journal : undefined;
      },
      { what: `the first run at its gate\n${said(holder)}`, timeoutMs: 120_000, intervalMs: 100 },
    );

    // When
    const second = spawnLieutenant(['run', 'web'], { repo: laptop });
    started.push(second);
    const exit = await second.exited;

    // Then
    expect(exit.code, exit.output).toBe(4);
    expect(exit.stderr).toContain(`staging is locked by run ${gate.runId}`);
    expect(exit.stderr).toContain(`pid ${holder.pid}`);
    expect(exit.stderr).toContain(`:${repo.watched.dir}`);
    expect(await journals(laptop)).toEqual([]);
  });

  it('given a run killed mid-batch in one clone, when its lease has lapsed and an operator runs resume in another clone, then that clone takes the lock over and finishes the run: every host in rotation on the committed version', async () => {
    // Given: a run from the server's clone, SIGKILLed while it upgrades its first batch
    const hosts = hostNames(given.fleet).slice(0, 4);
    repo = await makeFollowedRepo(given.fleet, { hosts });
    const laptop = await cloneOf(repo);
    const release = await repo.release('1.1');
    await repo.watched.git('pull', '-q', 'origin', 'main');
    await laptop.git('pull', '-q', 'origin', 'main');
    const holder = spawnLieutenant(['run', 'web', '--yes', '--lease', LEASE], { repo: repo.watched });
    started.push(holder);
    const upgrading = await waitFor(
      async () => {
        const [journal] = await journals(repo!.watched).catch(() => []);
        return journal && eventsOf(journal.events, 'host.upgrade.started').length > 0 ? journal : undefined;
      },
      { what: `the run upgrading its first batch\n${said(holder)}`, timeoutMs: 120_000, intervalMs: 20 },
    );
    const killed = await holder.killHard();
    expect(killed.signal, killed.output).toBe('SIGKILL');
    const remoteDir = repo.remoteDir;
    // …and its lease on the remote has lapsed (the lock names when it was last renewed, and for how long)
    await waitFor(
      async () => {
        const lock = await remoteRef(remoteDir, 'refs/lieutenant/locks/staging');
        if (lock === '') return true;
        const body = await runChecked('git', ['--git-dir', remoteDir, 'log', '-1', '--format=%B', lock]);
        const { renewedAt, leaseMs } = JSON.parse(body) as { renewedAt: string; leaseMs: number };
        return Date.parse(renewedAt) + leaseMs < Date.now();
      },
      { what: 'the killed run’s lease to lapse', timeoutMs: 30_000, intervalMs: 200 },
    );

    // When: the operator resumes from the laptop's clone, which never ran anything
    expect(await journals(laptop)).toEqual([]);
    const resumed = spawnLieutenant(['resume', '--yes', '--lease', LEASE], { repo: laptop });
    started.push(resumed);
    const exit = await resumed.exited;

    // Then: that very run finished there, the record on the remote, every host serving the release
    expect(exit.code, exit.output).toBe(0);
    expect(exit.stderr).toContain(`took over the lock of staging from run ${upgrading.runId}`);
    const finished = (await journals(laptop)).find((j) => j.runId === upgrading.runId);
    expect(
      eventsOf(finished?.events ?? [], 'run.finished').map((e) => [e.result, e.hostsOut]),
      exit.output,
    ).toEqual([['succeeded', []]]);
    expect(await remoteRef(remoteDir, 'refs/lieutenant/locks/staging')).toBe('');
    expect(await installedVersions(given.fleet, hosts)).toEqual(allOn(hosts, '1.1'));
    expect(await rotation(given.fleet)).toEqual(allUp(hostNames(given.fleet)));
    expect(release).toMatch(/^[0-9a-f]{40}$/);
  });
});
