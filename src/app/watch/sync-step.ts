/**
 * Manual sync, the half of a cycle for environments whose policy is
 * `manual` (inventory `sync: manual`, or `watch --sync ENV=manual`):
 *
 *   what the head asks of ENV (pending.ts) → nothing: clear a pending record (reverted, or deployed elsewhere)
 *                                           → a new commit: plan it against the live fleet, record it as
 *                                             pending (replacing an older one, and saying so), notify once
 *   a sync request (`lieutenant sync ENV`)  → the pending commit: run it, as any run (locks, freeze windows)
 *                                           → anything else: refused, with why
 *
 * Records live in refs (records/sync/sync-refs.ts) pushed to the followed remote,
 * with this watcher's presence, so a person can `lieutenant sync` from any clone.
 */
import { ExitCode } from '../../core/exit-codes.js';
import { shortSha } from '../../core/sha.js';
import { gitAt } from '../../records/git/git.js';
import { appendSyncLog, shareSyncLog } from '../../records/sync/sync-log.js';
import {
  SyncRequest,
  WatcherPresence,
  adoptRemoteDeployed,
  deleteRecord,
  fetchSyncRefs,
  pendingRef,
  pushSyncRefs,
  readRecord,
  requestRef,
  watcherRef,
  writeRecord,
} from '../../records/sync/sync-refs.js';
import { describeIgnored, type IgnoredRecord } from '../../records/trust/ignored.js';
import { trustedPending } from '../pending-status.js';
import type { RepoSpecs } from '../../spec/repo.js';
import type { SyncPolicy } from '../../spec/schema.js';
import type { WatchEventBody } from './events.js';
import { sendAlert } from './notify.js';
import type { PendingRollout } from './pending.js';
import { detect, entry, outOfSync, refusalOf, requestEntry, stillPending } from './sync-records.js';
import type { CycleConfig, CyclePorts, SaidLines } from './ports.js';
import { attemptRun } from './run-step.js';

/**
 * Before the head is measured: the remote's sync records (requests from
 * other clones, a record cleared by a direct sync) and deployed refs ahead
 * of ours (what a direct sync applied), so nothing applied meanwhile is
 * held as pending again.
 */
export async function fetchShared(
  config: CycleConfig,
  emit: (event: WatchEventBody) => void,
  state: SaidLines,
  signal: AbortSignal,
): Promise<void> {
  const { repoDir } = config;
  const { remote } = config.sync;
  if (remote === undefined) return;
  // The remote is the shared truth: requests made from other clones, a pending record cleared by a direct sync.
  const fetched = await fetchSyncRefs(repoDir, remote, signal);
  if (!fetched.ok && sayOnce(state, `unfetched:${fetched.error.message}`))
    emit({ type: 'sync.unshared', message: fetched.error.message });
  const adopted = await adoptRemoteDeployed(repoDir, remote, { branch: config.branch });
  if (!adopted.ok && sayOnce(state, `unfetched:${adopted.error.message}`))
    emit({ type: 'sync.unshared', message: adopted.error.message });
  if (adopted.ok) reportIgnored(adopted.value.ignored, emit, state);
}

/** The policy ENV follows: the `--sync` flag for it, the flag for every environment, the inventory's `sync`. */
export function syncPolicyOf(
  config: CycleConfig,
  specs: Pick<RepoSpecs, 'inventories'>,
  environment: string,
): SyncPolicy {
  const { overrides } = config.sync;
  return (
    overrides.get(environment) ?? overrides.get('*') ?? specs.inventories.get(environment)?.spec.sync ?? 'automatic'
  );
}

export async function syncManual(
  config: CycleConfig,
  ports: CyclePorts,
  emit: (event: WatchEventBody) => void,
  state: SaidLines,
  cycle: {
    specs: Pick<RepoSpecs, 'inventories'>;
    head: string;
    work: readonly PendingRollout[];
    environments: string[];
  },
  signal: AbortSignal,
): Promise<number> {
  const { repoDir } = config;
  const now = (): string => new Date(ports.clock.now()).toISOString();
  const touched: string[] = [];
  if (cycle.environments.length === 0) return ExitCode.done;
  let logged = false;
  let exitCode: number = ExitCode.done;
  for (const environment of cycle.environments) {
    if (signal.aborted) break;
    await writeRecord(repoDir, watcherRef(environment), {
      environment,
      watcher: config.sync.watcherId,
      at: now(),
      until: new Date(ports.clock.now() + config.sync.presenceMs).toISOString(),
    });
    touched.push(watcherRef(environment));

    const wanted = cycle.work.filter((item) => item.environment === environment && item.action === 'run');
    const held = await trustedPending(repoDir, { name: config.branch, tips: [cycle.head] }, environment);
    if (held.ignored) {
      // Never adopted: reported, and replaced below by what the head asks (or cleared).
      reportIgnored([held.ignored], emit, state);
      await deleteRecord(repoDir, pendingRef(environment));
      touched.push(pendingRef(environment));
    }
    let pending = held.pending;
    if (wanted.length === 0 && pending !== undefined) {
      const reason = `nothing at ${shortSha(cycle.head)} is left to apply (reverted, or deployed since)`;
      emit({ type: 'sync.cleared', environment, commit: pending.commit, reason });
      await appendSyncLog(repoDir, entry(pending, 'cleared', now(), config.sync.watcherId, reason));
      await deleteRecord(repoDir, pendingRef(environment));
      touched.push(pendingRef(environment));
      logged = true;
      pending = undefined;
    } else if (wanted.length > 0 && !(await stillPending(repoDir, pending, cycle.head, wanted))) {
      const older = pending;
      pending = await detect(config, ports, cycle.head, environment, wanted, now(), older, signal);
      await writeRecord(repoDir, pendingRef(environment), pending, cycle.head);
      touched.push(pendingRef(environment));
      emit({
        type: 'sync.pending',
        environment,
        commit: pending.commit,
        subject: pending.subject,
        rollouts: pending.rollouts.map((r) => r.rollout),
        hostsToChange: pending.hostsToChange,
        ...(older ? { supersedes: older.commit } : {}),
      });
      if (older)
        await appendSyncLog(repoDir, {
          ...entry(older, 'superseded', now(), config.sync.watcherId),
          supersededBy: pending.commit,
        });
      await appendSyncLog(repoDir, entry(pending, 'detected', pending.since, config.sync.watcherId));
      logged = true;
      // Shared before anyone is told, so whoever reads the notification finds the record from any clone.
      await share(config, emit, state, touched.splice(0));
      await sendAlert(ports.notify, emit, outOfSync(pending));
      for (const message of await ports.announce(pending)) emit({ type: 'notify.failed', message });
    }

    const request = await readRecord(repoDir, requestRef(environment), SyncRequest);
    if (request === undefined) continue;
    // Taken, whatever comes of it: a request is answered once, never retried behind the person's back.
    await deleteRecord(repoDir, requestRef(environment));
    touched.push(requestRef(environment));
    const refusal = refusalOf(request, pending);
    if (refusal !== undefined) {
      emit({ type: 'sync.refused', environment, commit: request.commit, by: request.by, message: refusal });
      await appendSyncLog(repoDir, { ...requestEntry(request, 'refused', now()), reason: refusal });
      logged = true;
      continue;
    }
    const applying = pending!;
    emit({
      type: 'sync.requested',
      environment,
      commit: request.commit,
      by: request.by,
      ...(request.reason ? { reason: request.reason } : {}),
    });
    const runs: string[] = [];
    let worst = 0;
    let blocked = false;
    for (const { rollout } of applying.rollouts) {
      if (signal.aborted) break;
      const attempt = await attemptRun(ports, emit, state, {
        rollout,
        environment,
        rev: applying.commit,
        cause: 'sync',
        ...(config.sync.remote ? { pushTo: config.sync.remote } : {}),
      });
      worst = Math.max(worst, attempt.exitCode);
      if (attempt.kind === 'blocked') blocked = true;
      else runs.push(attempt.runId);
    }
    exitCode = Math.max(exitCode, worst);
    if (blocked && runs.length === 0) {
      // Nothing ran (a lock held, a freeze window): the commit stays pending for the next `lieutenant sync`.
      const message = 'not applied: a run could not start (see above); it stays pending, run lieutenant sync again';
      emit({ type: 'sync.refused', environment, commit: request.commit, by: request.by, message });
      await appendSyncLog(repoDir, { ...requestEntry(request, 'refused', now()), reason: message });
      logged = true;
      continue;
    }
    emit({ type: 'sync.applied', environment, commit: applying.commit, by: request.by, runs, exitCode: worst });
    await appendSyncLog(repoDir, {
      ...requestEntry(request, 'applied', now()),
      ...(request.reason ? { reason: request.reason } : {}),
      requestedAt: request.at,
      runs,
    });
    logged = true;
    await deleteRecord(repoDir, pendingRef(environment));
    touched.push(pendingRef(environment));
  }

  // Even when stopping: a record written here and not pushed would leave other clones without it.
  await share(config, emit, state, touched);
  if (logged && config.sync.remote !== undefined) {
    const log = await shareSyncLog(repoDir, config.sync.remote);
    if (log !== undefined) emit({ type: 'sync.unshared', message: log });
  }
  return exitCode;
}

/** Pushes these sync refs as they are here to the followed remote; a failure is said once. */
async function share(
  config: CycleConfig,
  emit: (event: WatchEventBody) => void,
  state: SaidLines,
  refs: readonly string[],
): Promise<void> {
  if (config.sync.remote === undefined || refs.length === 0) return;
  const pushed = await pushSyncRefs(config.repoDir, config.sync.remote, [...new Set(refs)]);
  if (!pushed.ok && sayOnce(state, `unshared:${pushed.error.message}`))
    emit({ type: 'sync.unshared', message: `${pushed.error.message}: ${pushed.error.detail ?? ''}`.trim() });
}

/** Each refused record said once while it stays on the remote. */
export function reportIgnored(
  ignored: readonly IgnoredRecord[],
  emit: (event: WatchEventBody) => void,
  state: SaidLines,
): void {
  for (const record of ignored)
    if (sayOnce(state, `ignored:${record.ref}:${record.commit ?? ''}:${record.reason}`))
      emit({ type: 'record.ignored', ...record, message: describeIgnored(record) });
}

function sayOnce(state: SaidLines, key: string): boolean {
  if (state.said.has(key)) return false;
  state.said.add(key);
  return true;
}

/**
 * A stopping watcher withdraws its presence from every environment it
 * holds, so `lieutenant sync` runs directly at once rather than asking a
 * watcher that is gone. Best effort: a record left behind expires anyway.
 */
export async function withdrawPresence(config: CycleConfig, now: number): Promise<void> {
  const git = gitAt(config.repoDir);
  const refs = (await git.raw(['for-each-ref', '--format=%(refname)', 'refs/lieutenant/watchers/']).catch(() => ''))
    .split('\n')
    .map((ref) => ref.trim())
    .filter((ref) => ref !== '');
  const mine: string[] = [];
  for (const ref of refs) {
    const presence = await readRecord(config.repoDir, ref, WatcherPresence);
    if (presence?.watcher !== config.sync.watcherId) continue;
    await writeRecord(config.repoDir, ref, { ...presence, until: new Date(now).toISOString() });
    mine.push(ref);
  }
  if (config.sync.remote !== undefined && mine.length > 0) await pushSyncRefs(config.repoDir, config.sync.remote, mine);
}
