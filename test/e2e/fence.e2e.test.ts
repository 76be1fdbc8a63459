/**
 * The lease is a fence: a run whose lease on the environment's lock can no
 * longer be proven its own does nothing more on any host. Two clones of one
 * bare remote against the real fleet (OpenSSH, apt, HAProxy), a sampler
 * reading HAProxy throughout:
 * - the holder frozen (SIGSTOP) with its first batch out of rotation, past its
 *   lease; another clone's `resume` takes the lock over and finishes the run;
 *   then SIGCONT: the holder takes no action, exits 8 naming what it left, the
 *   cap held, every host ends on the release and in rotation;
 * - the holder cut off from the remote (its path renamed away) mid-run while
 *   another clone takes over: it stops at once with exit 8.
 * Every wait is on a condition.
 */
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runChecked } from '../fleet/exec.js';
import { waitFor } from '../fleet/wait.js';
import { allOn, installedVersions, rotation } from './support/fleet-state.js';
import { allUp, hostNames, useFreshFleet } from './support/given-fleet.js';
import { eventsOf, journals } from './support/lieutenant.js';
import { spawnLieutenant, type LieutenantProcess } from './support/lieutenant-process.js';
import type { RolloutRepo } from './support/rollout-repo.js';
import { startRotationSampler } from './support/rotation-sampler.js';
import { makeFollowedRepo, type FollowedRepo } from './watch-support/followed-repo.js';

const given = useFreshFleet();
let repo: FollowedRepo | undefined;
let laptopRoot: string | undefined;
const started: LieutenantProcess[] = [];

afterEach(async () => {
  for (const process of started.splice(0)) {
    signal(process, 'SIGCONT');
    await process.killHard();
  }
  await repo?.remove();
  repo = undefined;
  if (laptopRoot) await rm(laptopRoot, { recursive: true, force: true });
  laptopRoot = undefined;
});

/** Long enough that renewals keep up on a loaded machine; the takeover waits it plus the allowance. */
const LEASE = '6s';
/** The clock-skew allowance a taker waits beyond the lease (records/lock/fence.ts). */
const ALLOWANCE_MS = 5_000;

function signal(process: LieutenantProcess, name: NodeJS.Signals): void {
  try {
    globalThis.process.kill(-process.pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function cloneOf(followed: FollowedRepo): Promise<RolloutRepo> {
  laptopRoot = await mkdtemp(join(tmpdir(), 'lieutenant-fence-'));
  const dir = join(laptopRoot, 'rollouts');
  await runChecked('git', ['clone', '-q', followed.remoteDir, dir]);
  const git = (...args: string[]) => runChecked('git', args, { cwd: dir });
  await git('config', 'user.name', 'Taking Operator');
  await git('config', 'user.email', 'taker@lieutenant.invalid');
  return {
    dir,
    playbookPath: join(dir, 'playbooks', 'web.yaml'),
    knownHostsPath: followed.watched.knownHostsPath,
    git,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The lock on the remote may be taken over: its lease plus the allowance has passed (or it is gone). */
async function takeable(remoteDir: string): Promise<boolean> {
  const listed = await runChecked('git', ['ls-remote', remoteDir, 'refs/lieutenant/locks/staging']);
  const lock = listed.split('\t')[0]?.trim() ?? '';
  if (lock === '') return true;
  const body = await runChecked('git', ['--git-dir', remoteDir, 'log', '-1', '--format=%B', lock]);
  const { renewedAt, leaseMs } = JSON.parse(body) as { renewedAt: string; leaseMs: number };
  return Date.parse(renewedAt) + leaseMs + ALLOWANCE_MS < Date.now();
}

const said = (...processes: LieutenantProcess[]) =>
  processes.map((p) => `--- pid ${p.pid} ---\n${p.stdout()}\n${p.stderr()}`).join('\n');

describe('the lease is a fence', () => {
  it('given a holder frozen with its first batch out of rotation past its lease, when another clone resumes and finishes the run and the holder is continued, then the holder does nothing more and exits 8; the cap held, every host on the release and in rotation', async () => {
    // Given: a run from one clone, frozen (SIGSTOP, its whole process group) while it upgrades its first batch
    const hosts = hostNames(given.fleet).slice(0, 4);
    repo = await makeFollowedRepo(given.fleet, { hosts });
    const laptop = await cloneOf(repo);
    await repo.release('1.1');
    await repo.watched.git('pull', '-q', 'origin', 'main');
    await laptop.git('pull', '-q', 'origin', 'main');
    const sampler = startRotationSampler(given.fleet, hosts);
    const holder = spawnLieutenant(['run', 'web', '--yes', '--lease', LEASE], { repo: repo.watched });
    started.push(holder);
    const upgrading = await waitFor(
      async () => {
        const [journal] = await journals(repo!.watched).catch(() => []);
        return journal && eventsOf(journal.events, 'host.upgrade.started').length > 0 ? journal : undefined;
      },
      { what: `the run upgrading its first batch\n${said(holder)}`, timeoutMs: 120_000, intervalMs: 20 },
    );
    signal(holder, 'SIGSTOP');
    const remoteDir = repo.remoteDir;
    await waitFor(() => takeable(remoteDir), { what: 'the frozen run’s lease to lapse', timeoutMs: 60_000 });

    // When: the laptop's clone resumes the run to its end, and then the holder is continued
    const resumed = spawnLieutenant(['resume', '--yes', '--lease', LEASE], { repo: laptop });
    started.push(resumed);
    const taken = await resumed.exited;
    expect(taken.code, taken.output).toBe(0);
    expect(taken.stderr).toContain(`took over the lock of staging from run ${upgrading.runId}`);
    const finishedAt = Date.now();
    signal(holder, 'SIGCONT');
    const exit = await holder.exited;
    const servingAtEnd = await rotation(given.fleet);
    const report = await sampler.stop();

    // Then: the holder stopped at once with its own exit code, saying why
    expect(exit.code, exit.output).toBe(8);
    expect(exit.output).toMatch(/can no longer be proven this run's|was taken over/);
    const own = (await journals(repo.watched)).find((j) => j.runId === upgrading.runId);
    expect(eventsOf(own?.events ?? [], 'run.finished').map((e) => e.result)).toEqual(['lease-lost']);
    // …and did nothing after it woke: no server left rotation once the taker was done
    const afterwards = report.samples.filter((s) => report.startedAt + s.at > finishedAt);
    expect(afterwards.length).toBeGreaterThan(0);
    expect(afterwards.filter((s) => Object.keys(s.out).length > 0)).toEqual([]);
    // …the cap (50% of 4) held throughout, and the fleet is as committed
    expect(report.errors).toEqual([]);
    expect(report.maxOut).toBeLessThanOrEqual(2);
    expect(await installedVersions(given.fleet, hosts)).toEqual(allOn(hosts, '1.1'));
    expect(servingAtEnd).toEqual(allUp(hostNames(given.fleet)));
  });

  it('given a holder cut off from the remote mid-run, when its lease can no longer be proven, then it stops at once with exit 8 and another clone finishes the run', async () => {
    // Given: a run waiting for approval after its first batch, holding the lock on the remote
    const hosts = hostNames(given.fleet).slice(0, 4);
    repo = await makeFollowedRepo(given.fleet, { hosts, playbook: { strategy: { pause: 'approve' } } });
    const laptop = await cloneOf(repo);
    await repo.release('1.1');
    await repo.watched.git('pull', '-q', 'origin', 'main');
    await laptop.git('pull', '-q', 'origin', 'main');
    const holder = spawnLieutenant(['run', 'web', '--lease', LEASE], { repo: repo.watched });
    started.push(holder);
    const waiting = await waitFor(
      async () => {
        const [journal] = await journals(repo!.watched).catch(() => []);
        return journal && eventsOf(journal.events, 'gate.waiting').length > 0 ? journal : undefined;
      },
      { what: `the run at its pause after batch 1\n${said(holder)}`, timeoutMs: 120_000, intervalMs: 50 },
    );

    // When: the remote's path disappears for the holder's clone only (the laptop reaches it under a new name)
    const cutDir = `${repo.remoteDir}.cut`;
    await rename(repo.remoteDir, cutDir);
    await laptop.git('remote', 'set-url', 'origin', cutDir);
    const exit = await holder.exited;

    // Then: it stopped at once, with its own exit code
    expect(exit.code, exit.output).toBe(8);
    expect(exit.output).toMatch(/can no longer be proven this run's/);
    const own = (await journals(repo.watched)).find((j) => j.runId === waiting.runId);
    expect(eventsOf(own?.events ?? [], 'run.finished').map((e) => [e.result, e.hostsOut])).toEqual([
      ['lease-lost', []],
    ]);
    // …and the other clone takes over once the lease has lapsed, and finishes the run
    await waitFor(() => takeable(cutDir), { what: 'the cut-off run’s lease to lapse', timeoutMs: 60_000 });
    const resumed = spawnLieutenant(['resume', '--yes', '--lease', LEASE], { repo: laptop });
    started.push(resumed);
    const taken = await resumed.exited;
    expect(taken.code, taken.output).toBe(0);
    await rename(cutDir, repo.remoteDir);
    expect(await installedVersions(given.fleet, hosts)).toEqual(allOn(hosts, '1.1'));
    expect(await rotation(given.fleet)).toEqual(allUp(hostNames(given.fleet)));
  });
});
