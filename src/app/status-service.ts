/**
 * `lieutenant status [ENV]`: what runs where. For every host of every
 * playbook of the environment: installed versions (live over SSH) against
 * the versions last deployed (the deployed ref; HEAD when nothing was
 * deployed yet), drift, rotation state (live from HAProxy); then per
 * environment the lock holder, the last run and whether HEAD is pending.
 */
import { observeFleet } from '../engine/index.js';
import type { ServerStatus, Versions } from '../engine/index.js';
import { ok, type Result } from '../core/result.js';
import { deployedCommit, deployedRef } from '../records/deploy/deployed.js';
import { loadHistory, type HistoryEntry } from './history-service.js';
import { readLock, type LockStatus } from '../records/index.js';
import { lockRemoteOf, readSharedLock } from './shared-run.js';
import { fetchSharedRecords } from './shared-records.js';
import { loadRepo } from '../spec/repo.js';
import { ExitCode } from '../core/exit-codes.js';
import { repositoryProblem } from '../records/git/git.js';
import { badInput, specFailure, stateProblem, type AppFailure } from './failure.js';
import { loadSpec } from './plan-service.js';
import { isUp } from '../engine/index.js';
import { loadAdapters, type RemoteAdapters } from './world.js';
import type { PackageManagerKind, SyncPolicy } from '../spec/schema.js';
import { WatcherPresence, isPresent, readRecord, watcherRef } from '../records/sync/sync-refs.js';
import { screenDeployed } from '../records/trust/deployed-refs.js';
import { followedBranch } from '../records/trust/followed-branch.js';
import { describeIgnored } from '../records/trust/ignored.js';
import { meetsPin, pendingAsCommitted, trustedPending } from './pending-status.js';

import { freezeWindow } from '../spec/freeze.js';
import { listCordons, type Cordon } from './cordon-service.js';
import { activeWindows, nextWindow, type WindowSpan } from './freeze/windows.js';
import { checkOpenFiles } from './open-files.js';

export interface HostStatus {
  environment: string;
  rollout: string;
  group: string;
  /** The group's package manager: how this host installs (apt, dnf, yum, zypper). */
  packageManager: PackageManagerKind;
  host: string;
  address: string;
  installed: Versions;
  /** What the last deployed commit wants (HEAD's when nothing was deployed). */
  expected: Record<string, string>;
  /** What HEAD wants. */
  committed: Record<string, string>;
  /** Installed does not satisfy expected (as the package manager reads a pin: RPM "1.1" is met by 1.1-3). */
  drift: string[];
  rotation: Record<string, ServerStatus>;
  outOfRotation: boolean;
}

export interface EnvironmentStatus {
  environment: string;
  head: { sha: string; subject: string };
  /** rollout → deployed commit (undefined: never fully applied). */
  deployed: Record<string, string | undefined>;
  /** Rollouts whose HEAD is not yet deployed. */
  pending: string[];
  lock: LockStatus | undefined;
  lastRun: HistoryEntry | undefined;
  problems: string[];
  /** The inventory's freeze windows: the one open now, and the next to open. */
  freeze: { now?: FreezeSpan; next?: FreezeSpan };
  /** The inventory's sync policy, and under manual what a watcher holds as pending (this clone's refs, as last fetched). */
  sync: SyncStatus;
  /** Hosts, groups or the whole environment left alone by runs: who, why, since, until. */
  cordons: Cordon[];
}

export interface SyncStatus {
  policy: SyncPolicy;
  /** Out of sync: the commit waiting for `lieutenant sync`. */
  pending?: {
    commit: string;
    subject: string;
    /** ISO 8601. */
    since: string;
    hostsToChange: number | null;
    rollouts: string[];
    supersedes?: string;
  };
  /** The watcher holding the environment, and whether it still counts as present. */
  watcher?: { watcher: string; at: string; present: boolean };
}

/** A freeze window's occurrence: `Fri 16:00 - Mon 08:00 Europe/Berlin`, from and until when (ISO 8601). */
export interface FreezeSpan {
  window: string;
  reason: string;
  timeZone: string;
  allowRollback: boolean;
  start: string;
  end: string;
}

export interface StatusReport {
  hosts: HostStatus[];
  environments: EnvironmentStatus[];
}

export async function statusService(request: {
  repoDir: string;
  environment?: string;
  signal: AbortSignal;
  /** The clock freeze windows are read against; default now. */
  now?: number;
  /** Read the remote's shared records first (the CLI; a watcher fetches them itself). */
  fetchShared?: { onWarning: (message: string) => void };
}): Promise<Result<StatusReport, AppFailure>> {
  const adapters = loadAdapters(); // while git reads the specs
  // Before anything runs git in it: a --repo that is no checkout is bad input, as for every command.
  const notRepo = await repositoryProblem(request.repoDir);
  if (notRepo !== undefined) return { ok: false, error: badInput(notRepo) };
  if (request.fetchShared) {
    const warnings = await fetchSharedRecords(request.repoDir, request.signal);
    warnings.forEach(request.fetchShared.onWarning);
  }
  const repo = await loadRepo(request.repoDir);
  if (!repo.ok) return { ok: false, error: specFailure(repo.error) };
  const problem = await stateProblem(request.repoDir);
  if (problem) return { ok: false, error: problem };
  const environments = [...repo.value.inventories.keys()].filter(
    (env) => !request.environment || env === request.environment,
  );
  if (environments.length === 0) {
    return {
      ok: false,
      error: badInput(`no environment ${request.environment} in ${request.repoDir}`, [
        `environments: ${[...repo.value.inventories.keys()].join(', ')}`,
      ]),
    };
  }
  const report: StatusReport = { hosts: [], environments: [] };
  // The lock of a run on another clone lives on the remote: a watcher must not judge its hosts as drift either.
  const remote = await lockRemoteOf(request.repoDir);
  const sharedLock = (environment: string) =>
    remote.ok && remote.value !== undefined
      ? readSharedLock(request.repoDir, remote.value, environment)
      : Promise.resolve(undefined);
  const history = await loadHistory(request.repoDir);
  // Records name commits; only those of the followed branch are believed.
  const branch = await followedBranch(request.repoDir, remote.ok && remote.value ? { remote: remote.value } : {});
  for (const environment of environments) {
    const held = await trustedPending(request.repoDir, branch, environment);
    const env: EnvironmentStatus = {
      environment,
      head: repo.value.commit,
      deployed: {},
      pending: [],
      lock: (await readLock(request.repoDir, environment)) ?? (await sharedLock(environment)),
      lastRun: history.find((entry) => entry.environment === environment),
      problems: [...damagedRuns(history, environment), ...(held.ignored ? [describeIgnored(held.ignored)] : [])],
      freeze: freezeOf(repo.value.inventories.get(environment)?.spec.freeze ?? [], request.now ?? Date.now()),
      sync: await syncStatusOf(
        request.repoDir,
        environment,
        repo.value.inventories.get(environment)?.spec.sync ?? 'automatic',
        request.now ?? Date.now(),
      ),
      cordons: await listCordons(request.repoDir, environment, request.now ?? Date.now()),
    };
    const playbooks = [...repo.value.playbooks]
      .filter(([, p]) => p.spec.inventory === environment)
      .map(([name]) => name);
    for (const rollout of playbooks) {
      const recorded = await deployedCommit(request.repoDir, environment, rollout);
      const { sha: deployed, ignored } = await screenDeployed(
        request.repoDir,
        branch,
        deployedRef(environment, rollout),
        recorded,
      );
      if (ignored) env.problems.push(describeIgnored(ignored));
      env.deployed[rollout] = deployed;
      if (deployed !== repo.value.commit.sha) env.pending.push(rollout);
      const { hosts, problems } = await rolloutStatus(
        request.repoDir,
        rollout,
        deployed,
        await adapters,
        request.signal,
      );
      report.hosts.push(...hosts);
      env.problems.push(
        ...problems,
        ...hosts.filter((h) => h.outOfRotation).map((h) => `${h.host} is out of rotation`),
      );
    }
    if (held.pending) {
      const hosts = report.hosts.filter((host) => host.environment === environment);
      env.sync.pending = await pendingAsCommitted(request.repoDir, held.pending, playbooks, hosts);
    }
    report.environments.push(env);
  }
  return ok(report);
}

/** Unfinished runs whose journal is damaged, loudly: their hosts may be out of rotation. */
function damagedRuns(history: readonly HistoryEntry[], environment: string): string[] {
  return history
    .filter((entry) => entry.damage !== undefined && (entry.environment === environment || entry.environment === '?'))
    .flatMap((entry) => [
      ...(entry.damage ?? []).map((line) => `run ${entry.runId}: ${line}`),
      ...(entry.environment === '?'
        ? entry.hostsOut.map(
            (out) => `run ${entry.runId} (start lost) took ${out.host} out of rotation; not known to be back`,
          )
        : []),
    ]);
}

/** Every host that could be read, and every problem (an unreachable host, an unreadable load balancer). */
async function rolloutStatus(
  repoDir: string,
  rollout: string,
  deployed: string | undefined,
  adapters: RemoteAdapters,
  signal: AbortSignal,
): Promise<{ hosts: HostStatus[]; problems: string[] }> {
  const head = await loadSpec({ repoDir, playbook: rollout });
  if (!head.ok) return { hosts: [], problems: [head.error.message, ...head.error.details] };
  const expectedSpec = deployed ? await loadSpec({ repoDir, playbook: rollout, rev: deployed }) : head;
  const expectedRollout = expectedSpec.ok ? expectedSpec.value.rollout : head.value.rollout;
  const current = head.value.rollout;
  const world = adapters.connect(current);
  try {
    const tooMany = await checkOpenFiles(current, world);
    if (tooMany) return { hosts: [], problems: [tooMany.message, ...tooMany.details] };
    const observed = await observeFleet(current, world, signal);
    const hosts: HostStatus[] = [];
    for (const group of current.groups) {
      const expected = expectedRollout.groups.find((g) => g.name === group.name)?.packages ?? group.packages;
      for (const host of group.hosts) {
        const installed = observed.facts.installed[host.name];
        if (!installed) continue; // unreachable: listed in problems
        const rotation = observed.rotation[host.name] ?? {};
        hosts.push({
          environment: current.environment,
          rollout,
          group: group.name,
          packageManager: group.packageManager,
          host: host.name,
          address: host.address,
          installed,
          expected,
          committed: group.packages,
          drift: Object.entries(expected)
            .filter(([name, version]) => !meetsPin(group.packageManager, installed[name] ?? null, version))
            .map(([name]) => name),
          rotation,
          // Unknown rotation (a load balancer could not be read) is reported as a problem, not as "in".
          outOfRotation: Object.values(rotation).some((status) => status.adminState !== 'ready' || !isUp(status)),
        });
      }
    }
    return { hosts, problems: observed.problems };
  } finally {
    await world.shells.closeAll();
  }
}

function freezeOf(specs: Parameters<typeof freezeWindow>[0][], now: number): EnvironmentStatus['freeze'] {
  const windows = specs.map(freezeWindow);
  const span = (found: WindowSpan | undefined): FreezeSpan | undefined =>
    found && {
      window: found.window.label,
      reason: found.window.reason,
      timeZone: found.window.timeZone,
      allowRollback: found.window.allowRollback,
      start: new Date(found.startMs).toISOString(),
      end: new Date(found.endMs).toISOString(),
    };
  const current = span(activeWindows(windows, now)[0]);
  const next = span(nextWindow(windows, now));
  return { ...(current ? { now: current } : {}), ...(next ? { next } : {}) };
}

async function syncStatusOf(
  repoDir: string,
  environment: string,
  policy: SyncPolicy,
  now: number,
): Promise<SyncStatus> {
  // The pending commit is added once the hosts are read (pending-status.ts): what it asks is counted from it.
  const watcher = await readRecord(repoDir, watcherRef(environment), WatcherPresence);
  return {
    policy,
    ...(watcher ? { watcher: { watcher: watcher.watcher, at: watcher.at, present: isPresent(watcher, now) } } : {}),
  };
}

/**
 * How `status` ends, for scripts: 1 when a host is unreachable, not serving or
 * out of rotation (or a run's records are damaged); else 6 when anything
 * differs from Git — drift, a rollout whose HEAD is not deployed, a commit
 * pending a manual sync; else 0.
 */
export function statusExitCode(report: StatusReport): ExitCode {
  if (report.environments.some((env) => env.problems.length > 0)) return ExitCode.rolloutFailed;
  const differs =
    report.hosts.some((host) => host.drift.length > 0) ||
    report.environments.some((env) => env.pending.length > 0 || env.sync.pending !== undefined);
  return differs ? ExitCode.differs : ExitCode.done;
}
