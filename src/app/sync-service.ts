/**
 * `lieutenant sync ENV`: apply the commit a manual-sync watcher recorded as
 * pending — from any clone, since the records travel through the remote.
 *
 *   fetch refs/lieutenant/{pending,sync,watchers}/* → the pending record of ENV
 *   a watcher present (its presence record not past) → push a sync request; the watcher runs it
 *   no watcher                                       → run each rollout here, at that commit, as `run` would
 *
 * Either way the commit applied is exactly the pending one (`--commit` pins
 * what the person reviewed: a newer push since is refused), and every rule of
 * a run holds: locks, freeze windows, gates.
 */
import { ExitCode } from '../core/exit-codes.js';
import { operatorName } from '../control/index.js';
import { ok, type Result } from '../core/result.js';
import { shortSha } from '../core/sha.js';
import { commitSubject, gitAt, repositoryProblem, resolveCommit } from '../records/git/git.js';
import { appendSyncLog, shareSyncLog } from '../records/sync/sync-log.js';
import {
  type PendingRecord,
  WatcherPresence,
  deleteRecord,
  fetchSyncRefs,
  isPresent,
  pendingRef,
  pushSyncRefs,
  readRecord,
  requestRef,
  watcherRef,
  writeRecord,
} from '../records/sync/sync-refs.js';
import { badInput, stateProblem, type AppFailure } from './failure.js';
import { fetchFollowedBranch, followedBranch } from '../records/trust/followed-branch.js';
import { describeIgnored } from '../records/trust/ignored.js';
import { trustedPending } from './pending-status.js';
import { loadSpec } from './plan-service.js';
import { runService, type RunDone, type RunViews } from './run-service.js';

export interface SyncAsk {
  repoDir: string;
  environment: string;
  reason?: string;
  /** The commit the person means; refused when another is pending. */
  commit?: string;
  /** Default: origin when the clone has it; none: this clone's records only. */
  remote?: string;
  now?: () => number;
}

export interface PreparedSync {
  ask: SyncAsk;
  remote: string | undefined;
  pending: PendingRecord;
  by: string;
  /** Set when a watcher holds ENV: it applies the commit. */
  watcher: WatcherPresence | undefined;
}

export async function prepareSync(ask: SyncAsk): Promise<Result<PreparedSync, AppFailure>> {
  const notRepo = await repositoryProblem(ask.repoDir);
  if (notRepo !== undefined) return { ok: false, error: badInput(notRepo) };
  const problem = await stateProblem(ask.repoDir);
  if (problem) return { ok: false, error: problem };
  const git = gitAt(ask.repoDir);
  const remotes = (await git.raw(['remote'])).split('\n').map((line) => line.trim());
  if (ask.remote !== undefined && !remotes.includes(ask.remote))
    return { ok: false, error: badInput(`the rollout repo has no remote ${ask.remote}`) };
  const remote = ask.remote ?? (remotes.includes('origin') ? 'origin' : undefined);
  if (remote !== undefined) {
    const fetched = await fetchSyncRefs(ask.repoDir, remote);
    if (!fetched.ok)
      return {
        ok: false,
        error: badInput(`${fetched.error.message}; nothing was applied`, [fetched.error.detail ?? '']),
      };
  }
  const branch = remote ? await fetchFollowedBranch(ask.repoDir, remote, undefined) : await followedBranch(ask.repoDir);
  const held = await trustedPending(ask.repoDir, branch, ask.environment);
  if (held.ignored)
    return {
      ok: false,
      error: badInput(`${describeIgnored(held.ignored)}; nothing was applied`, [
        'only a commit of the followed branch is ever run; see lieutenant status',
      ]),
    };
  // What the person is shown is what the commit says, never the record's copy of it.
  const pending = held.pending && { ...held.pending, subject: await commitSubject(git, held.pending.commit) };
  if (pending === undefined) {
    const others = (await git.raw(['for-each-ref', '--format=%(refname:lstrip=3)', 'refs/lieutenant/pending/']))
      .split('\n')
      .filter((name) => name.trim() !== '');
    return {
      ok: false,
      error: badInput(`nothing is pending for ${ask.environment}; nothing was applied`, [
        others.length > 0
          ? `pending: ${others.join(', ')}`
          : 'no environment has a pending commit (only a watcher under sync: manual records one)',
      ]),
    };
  }
  if (ask.commit !== undefined) {
    const meant = await resolveCommit(git, ask.commit);
    if (meant !== pending.commit)
      return {
        ok: false,
        error: badInput(
          `${ask.commit} is not the pending commit of ${ask.environment}: ${shortSha(pending.commit)} "${pending.subject}" is; nothing was applied`,
          ['a newer push replaced it; see lieutenant status, then sync that one'],
        ),
      };
  }
  const foreign = await rolloutsNotOf(ask.repoDir, pending);
  if (foreign.length > 0)
    return {
      ok: false,
      error: badInput(
        `${describeIgnored({ ref: pendingRef(ask.environment), commit: pending.commit, reason: `${foreign.join(', ')}: not a rollout of ${ask.environment} at that commit` })}; nothing was applied`,
      ),
    };
  const now = ask.now?.() ?? Date.now();
  const presence = await readRecord(ask.repoDir, watcherRef(ask.environment), WatcherPresence);
  return ok({
    ask,
    remote,
    pending,
    by: await operatorName(ask.repoDir),
    watcher: isPresent(presence, now) ? presence : undefined,
  });
}

/** The rollouts a pending record names that are not playbooks of its environment at its commit. */
async function rolloutsNotOf(repoDir: string, pending: PendingRecord): Promise<string[]> {
  const foreign: string[] = [];
  for (const { rollout } of pending.rollouts) {
    const loaded = await loadSpec({ repoDir, playbook: rollout, rev: pending.commit });
    if (!loaded.ok || loaded.value.rollout.environment !== pending.environment) foreign.push(rollout);
  }
  return foreign;
}

/** Hands the commit to the watcher: a request record, pushed where it fetches. */
export async function requestSync(prepared: PreparedSync): Promise<Result<void, AppFailure>> {
  const { ask, pending, remote } = prepared;
  const at = new Date(ask.now?.() ?? Date.now()).toISOString();
  const request = {
    environment: ask.environment,
    commit: pending.commit,
    by: prepared.by,
    ...(ask.reason !== undefined ? { reason: ask.reason } : {}),
    at,
  };
  await writeRecord(ask.repoDir, requestRef(ask.environment), request, pending.commit);
  if (remote === undefined) return ok(undefined);
  const pushed = await pushSyncRefs(ask.repoDir, remote, [requestRef(ask.environment)]);
  if (!pushed.ok) {
    await deleteRecord(ask.repoDir, requestRef(ask.environment));
    return {
      ok: false,
      error: badInput(`${pushed.error.message}; nothing was requested`, [pushed.error.detail ?? '']),
    };
  }
  return ok(undefined);
}

/**
 * No watcher: runs each rollout of the record here, at the pending commit,
 * stopping at the first that does not succeed. Returns the last run.
 */
export async function applySync(prepared: PreparedSync, views: RunViews): Promise<Result<RunDone, AppFailure>> {
  const { ask, pending, remote } = prepared;
  const runs: string[] = [];
  let last: RunDone | undefined;
  for (const { rollout } of pending.rollouts) {
    const done = await runService({
      ...views,
      repoDir: ask.repoDir,
      playbook: rollout,
      rev: pending.commit,
      ...(remote !== undefined ? { pushTo: remote } : {}),
    });
    if (!done.ok) return done;
    runs.push(done.value.runId);
    last = done.value;
    if (done.value.outcome.exitCode !== ExitCode.done) break;
  }
  if (last === undefined)
    return { ok: false, error: badInput(`the pending record of ${ask.environment} names no rollout`) };
  await appendSyncLog(ask.repoDir, {
    environment: ask.environment,
    commit: pending.commit,
    event: 'applied',
    at: new Date(ask.now?.() ?? Date.now()).toISOString(),
    by: prepared.by,
    ...(ask.reason !== undefined ? { reason: ask.reason } : {}),
    requestedAt: new Date(ask.now?.() ?? Date.now()).toISOString(),
    runs,
  });
  await deleteRecord(ask.repoDir, pendingRef(ask.environment));
  if (remote !== undefined) {
    const pushed = await pushSyncRefs(ask.repoDir, remote, [pendingRef(ask.environment)]);
    if (!pushed.ok) views.onWarning(`the pending record is cleared here but ${pushed.error.message}`);
    const shared = await shareSyncLog(ask.repoDir, remote);
    if (shared !== undefined) views.onWarning(shared);
  }
  return ok(last);
}
