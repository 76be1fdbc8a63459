/**
 * `lieutenant watch`: the GitOps loop, wired to the real services.
 *
 *   poll timer ─┐
 *   webhook ────┴─> serial loop ─> cycle: fetch → validate → run what changed
 *   (signed push)                          → drift: alert, self-heal
 *
 * Every run goes through `runService` at an exact commit (the branch head,
 * or the deployed commit when healing), headless: pause gates wait for
 * `lieutenant approve` or their duration — or pass at once with `--yes`,
 * which applies to every run the watcher starts, self-heal included, and
 * never skips a health gate. The environment lock still guards each run: a
 * lock held elsewhere is reported and the run is tried again next cycle.
 */
import { systemClock } from '../adapters/clock.js';
import type { RunEventListener } from '../engine/index.js';
import type { Clock } from '../engine/index.js';
import { ok, type Result } from '../core/result.js';
import { gitAt } from '../records/git/git.js';
import { pollRemote } from '../gitops/poll.js';
import {
  startWebhookServer,
  type Page,
  type PushNotice,
  type WebhookOptions,
  type WebhookServer,
} from './watch/listener/webhook.js';
import { readWebhookSecret } from './watch/listener/webhook-secret.js';
import { badInput, type AppFailure } from './failure.js';
import { runService } from './run-service.js';
import { statusService } from './status-service.js';
import { createCycle } from './watch/cycle.js';
import { withdrawPresence } from './watch/sync-step.js';
import type { CycleConfig, CyclePorts, Trigger } from './watch/ports.js';
import { eventEmitter, type WatchEventListener } from './watch/events.js';
import { startWatchLoop } from './watch/loop.js';
import { httpNotifier } from './watch/notify.js';
import { loopHealth, staleAfterMs, type LoopHealth } from './watch/health.js';
import { localLockProbe } from './watch/lock-probe.js';
import { sharedLockProbe } from './watch/shared-lock-probe.js';
import { createWatchMetrics, type WatchMetrics } from './watch/metrics.js';
import { alreadyDone } from './watch/already-done.js';
import { lockRemoteOf } from './shared-run.js';
import { listCordons, refreshCordons } from './cordon-service.js';
import { fetchDeployState } from '../records/deploy/fetch-deploy-state.js';
import { reportIgnored } from './watch/sync-step.js';
import type { Rollout } from '../spec/model.js';
import { announcePending, pendingPlan } from './pending-plan.js';
import { operatorName } from '../control/index.js';
import type { SyncPolicy } from '../spec/schema.js';
import { hostname } from 'node:os';

/** How records and `status` name this watcher: who runs it, where, which process. */
async function watcherId(repoDir: string): Promise<string> {
  return `${await operatorName(repoDir)} on ${hostname()} (pid ${process.pid})`;
}

export interface WatchRequest {
  repoDir: string;
  /** Polled every interval; default `origin` when `branch` is given, else none (local commits only). */
  remote?: string;
  /** Default: the branch checked out. */
  branch?: string;
  intervalMs: number;
  /** Serve the GitHub push webhook here (needs `secretFile`). */
  listen?: { host: string; port: number };
  secretFile?: string;
  driftAlertAfterMs: number;
  notifyUrl?: string;
  selfHeal: boolean;
  /** Approve pause gates of every run the watcher starts. */
  yes: boolean;
  once: boolean;
  /** The lease on the environment lock of each run (`--lease`); default 60 s. */
  leaseMs?: number;
  /** `--sync [ENV=]POLICY`: environment ('*': every one) → policy, over the inventory's `sync`. */
  sync?: Record<string, SyncPolicy>;
}

export interface WatchViews {
  onEvent: WatchEventListener;
  /** Fresh listeners for each run the watcher starts (a line renderer keeps per-run state). */
  runListeners: () => RunEventListener[];
  onWarning: (message: string) => void;
  /** Stop: finish the cycle in flight safely (a run stops between steps), then end. */
  stop: AbortSignal;
  force: AbortSignal;
  /** Tests pass a ManualClock. */
  clock?: Clock;
}

export interface WatchDone {
  /** 0 after a stop; with `once`, the worst exit code of the cycle. */
  exitCode: number;
}

export async function watchService(request: WatchRequest, views: WatchViews): Promise<Result<WatchDone, AppFailure>> {
  const clock = views.clock ?? systemClock;
  const target = await followedTarget(request);
  if (!target.ok) return target;
  const { branch, remote, pushRemote } = target.value;
  // Watchers on several clones coordinate through the remote: its lock, its deployed refs and notes.
  const shared = await lockRemoteOf(request.repoDir, remote);
  if (!shared.ok) return shared;
  const lockRemote = shared.value;
  const unknown = await unknownSyncEnvironments(request.repoDir, branch, request.sync);
  if (unknown !== undefined) return { ok: false, error: unknown };

  const config: CycleConfig = {
    repoDir: request.repoDir,
    branch,
    remote,
    pushRemote,
    driftAlertAfterMs: request.driftAlertAfterMs,
    selfHeal: request.selfHeal,
    sync: {
      overrides: new Map(Object.entries(request.sync ?? {})),
      // The remote the lock and deployed state are shared through (the followed one, else origin).
      remote: lockRemote,
      watcherId: await watcherId(request.repoDir),
      // Three missed cycles, and never under two minutes: a slow fetch or a long plan is not an absence.
      presenceMs: Math.max(3 * request.intervalMs, 120_000),
    },
  };
  const health = loopHealth({
    now: () => clock.now(),
    staleAfterMs: staleAfterMs(request.intervalMs),
    startedAt: clock.now(),
  });
  // Fed by the same events as the views, served only where there is a listener to serve them.
  const metrics = request.listen
    ? createWatchMetrics({
        lockProbe:
          lockRemote !== undefined ? sharedLockProbe(request.repoDir, lockRemote) : localLockProbe(request.repoDir),
        health,
        now: () => clock.now(),
        cordons: (environment) => listCordons(request.repoDir, environment, clock.now()),
      })
    : undefined;
  const emit = eventEmitter(
    (event) => {
      metrics?.onWatchEvent(event);
      views.onEvent(event);
    },
    () => clock.now(),
  );
  const ignoredSaid = { said: new Set<string>() };
  const ports: CyclePorts = {
    clock,
    fetch: async (from, name, signal) => {
      const polled = await pollRemote(request.repoDir, { remote: from, branch: name, signal });
      // What other watchers deployed decides what is left to run here (a failure leaves the last known record).
      if (polled.ok && lockRemote !== undefined) {
        const fetched = await fetchDeployState(request.repoDir, lockRemote, name);
        if (fetched.ok) reportIgnored(fetched.value, emit, ignoredSaid);
      }
      return polled;
    },
    run: ({ rollout, rev, cause, pushTo }) =>
      runService({
        ...(lockRemote !== undefined
          ? {
              coordination: { remote: lockRemote, ...(request.leaseMs ? { leaseMs: request.leaseMs } : {}) },
              pushTo: lockRemote,
            }
          : {}),
        ...(cause === 'commit'
          ? {
              stillWanted: (spec: Rollout) =>
                alreadyDone(request.repoDir, lockRemote, { rollout, environment: spec.environment, rev }),
            }
          : {}),
        repoDir: request.repoDir,
        playbook: rollout,
        rev,
        yes: request.yes,
        approvers: [],
        listeners: [...views.runListeners(), ...(metrics ? [metrics.runListener()] : [])],
        onWarning: views.onWarning,
        stop: views.stop,
        force: views.force,
        ...(pushTo !== undefined ? { pushTo } : {}),
      }),
    plan: ({ rollout, rev }, signal) => pendingPlan(request.repoDir, { rollout, rev }, signal),
    announce: (pending) => announcePending(request.repoDir, pending),
    // Cordons are read from the remote first: one set in any clone keeps this watcher's drift alerts and self-heal off.
    status: async (signal) => {
      await refreshCordons(request.repoDir, signal);
      return statusService({ repoDir: request.repoDir, signal });
    },
    notify: request.notifyUrl === undefined ? undefined : httpNotifier(request.notifyUrl),
  };

  // Pushes that arrive before the loop exists wait here.
  const early: Trigger[] = [];
  let enqueue = (trigger: Trigger): void => void early.push(trigger);
  const onPush = (push: PushNotice): void => {
    if (push.ref !== `refs/heads/${branch}`) {
      emit({
        type: 'push.ignored',
        deliveryId: push.deliveryId,
        after: push.after,
        reason: `${push.ref} is not the followed branch ${branch}`,
      });
      return;
    }
    emit({ type: 'push.received', deliveryId: push.deliveryId, ref: push.ref, after: push.after });
    enqueue({ kind: 'push', push });
  };
  const onRejected = (rejection: { status: number; reason: string }): void =>
    emit({ type: 'webhook.rejected', ...rejection });
  const pages = metrics ? operatorPages(metrics, health, () => clock.now()) : {};
  const stopping = (): boolean => views.stop.aborted;
  const server = await serveWebhook(request, { onPush, onRejected, pages, stopping }, views.onWarning);
  if (!server.ok) return server;

  emit({
    type: 'watch.started',
    repoDir: request.repoDir,
    branch,
    remote,
    webhook: server.value?.address,
    intervalMs: request.intervalMs,
  });
  const onStop = (): void => {
    health.stopping();
    const reason: unknown = views.stop.reason;
    // A bare abort() carries a generic DOMException; only a reason someone wrote is worth showing.
    emit({
      type: 'watch.stopping',
      reason: reason instanceof Error && reason.name !== 'AbortError' ? reason.message : 'stop requested',
    });
  };
  views.stop.addEventListener('abort', onStop, { once: true });
  try {
    const loop = startWatchLoop({
      clock,
      intervalMs: request.intervalMs,
      once: request.once,
      signal: views.stop,
      cycle: health.around(createCycle(config, ports, emit)),
      onCrash: (error) =>
        emit({
          type: 'cycle.crashed',
          message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    });
    early.splice(0).forEach(loop.enqueue);
    enqueue = loop.enqueue;
    const exitCode = await loop.done;
    return ok({ exitCode });
  } finally {
    views.stop.removeEventListener('abort', onStop);
    await server.value?.close();
    // --once is a cron watcher: present until its record expires, so a sync between two runs is left to it.
    if (!request.once) await withdrawPresence(config, clock.now());
    emit({ type: 'watch.stopped' });
  }
}

interface FollowedTarget {
  branch: string;
  remote: string | undefined;
  pushRemote: string;
}

/** The branch (default: the one checked out) and the remote to poll and to fetch pushes from. */
async function followedTarget(request: WatchRequest): Promise<Result<FollowedTarget, AppFailure>> {
  const git = gitAt(request.repoDir);
  const inside = await git.raw(['rev-parse', '--is-inside-work-tree']).catch(() => '');
  if (inside.trim() !== 'true')
    return {
      ok: false,
      error: badInput(`${request.repoDir} is not a Git repository (--repo DIR names the rollout repo)`),
    };
  let branch = request.branch;
  if (branch === undefined) {
    branch = (await git.raw(['symbolic-ref', '-q', '--short', 'HEAD']).catch(() => '')).trim();
    if (branch === '')
      return { ok: false, error: badInput('HEAD is detached: name the branch to follow with --branch') };
  }
  const remote = request.remote ?? (request.branch !== undefined ? 'origin' : undefined);
  const pushRemote = remote ?? 'origin';
  const remotes = (await git.raw(['remote']))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const known = `remotes: ${remotes.join(', ') || 'none'}`;
  if (remote !== undefined && !remotes.includes(remote))
    return { ok: false, error: badInput(`the rollout repo has no remote ${remote} (${known})`) };
  if (request.listen && !remotes.includes(pushRemote)) {
    return {
      ok: false,
      error: badInput(
        `--listen fetches pushed commits from ${pushRemote}, which the rollout repo lacks (${known}); name one with --remote`,
      ),
    };
  }
  return ok({ branch, remote, pushRemote });
}

async function serveWebhook(
  request: WatchRequest,
  handlers: Pick<WebhookOptions, 'onPush' | 'onRejected' | 'pages' | 'stopping'>,
  onWarning: (message: string) => void,
): Promise<Result<WebhookServer | undefined, AppFailure>> {
  if (!request.listen) return ok(undefined);
  if (request.secretFile === undefined)
    return { ok: false, error: badInput('--listen needs --secret-file FILE (the webhook secret)') };
  const secret = await readWebhookSecret(request.secretFile);
  if (!secret.ok) return { ok: false, error: badInput(secret.error.message) };
  if (secret.value.warning) onWarning(secret.value.warning);
  try {
    return ok(
      await startWebhookServer({
        host: request.listen.host,
        port: request.listen.port,
        secret: secret.value.secret,
        ...handlers,
      }),
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    return { ok: false, error: badInput(`cannot listen on ${request.listen.host}:${request.listen.port} (${code})`) };
  }
}

/** What the listener serves beside the webhook, to Prometheus and to whatever checks liveness (docs/operations.md). */
function operatorPages(
  metrics: WatchMetrics,
  health: LoopHealth,
  now: () => number,
): Record<string, () => Promise<Page>> {
  return {
    '/metrics': async () => {
      const { contentType, text } = await metrics.scrape();
      return { status: 200, contentType, body: text };
    },
    '/healthz': async () => {
      const report = health.report(now());
      return { status: report.status, contentType: 'application/json', body: `${JSON.stringify(report.body)}\n` };
    },
  };
}

/** A `--sync` naming an environment the branch has no inventory for: a typo would leave production automatic. */
async function unknownSyncEnvironments(
  repoDir: string,
  branch: string,
  sync: Record<string, SyncPolicy> | undefined,
): Promise<AppFailure | undefined> {
  const named = Object.keys(sync ?? {}).filter((environment) => environment !== '*');
  if (named.length === 0) return undefined;
  const listing = await gitAt(repoDir)
    .raw(['ls-tree', '--name-only', `refs/heads/${branch}`, 'inventories/'])
    .catch(() => undefined);
  if (listing === undefined) return undefined; // no branch yet: the first fetch brings it
  const known = listing
    .split('\n')
    .map((path) => /^inventories\/([^/]+)\.yaml$/.exec(path.trim())?.[1])
    .filter((name): name is string => name !== undefined);
  const missing = named.filter((environment) => !known.includes(environment));
  if (missing.length === 0) return undefined;
  return badInput(`--sync names ${missing.join(', ')}, which ${branch} has no inventory for`, [
    `environments: ${known.join(', ') || 'none'}`,
  ]);
}
