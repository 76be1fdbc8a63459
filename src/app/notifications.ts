/**
 * The inventory's `notifications` for one run: which events tell people
 * something (a gate waiting, an analysis that could not tell or failed, the
 * run's end), as JSON or as a Slack message, through the one webhook sender.
 * Sending never blocks the run nor fails it: each message is posted in the
 * background, once per gate or analysis (never once per interval), and the
 * run's close waits a bounded while for what is still in flight.
 */
import { ExitCode } from '../core/exit-codes.js';
import { readFile } from 'node:fs/promises';
import { formatNumber } from '../core/analysis.js';
import type { MetricReport, RunEvent, RunEventListener } from '../engine/index.js';
import type { NotifyOn, WebhookTarget } from '../spec/model.js';
import { createWebhookSender, type SenderOptions, type WebhookSender } from '../adapters/webhook/sender.js';

export interface RunNotification {
  type: NotifyOn;
  text: string;
  runId: string;
  rollout: string;
  environment: string;
  commit: { sha: string; subject: string };
  operator: string;
  at: string;
  batch?: number;
  batches?: number;
  /** At a gate: the approvals it needs, and the exact commands that answer it from any clone. */
  gate?: { afterBatch: number; approvalsNeeded: number; approve: string; abort: string };
  /** At a gate or an analysis: every measurement, per metric. */
  measurements?: MetricReport[];
  result?: string;
  exitCode?: number;
}

interface RunContext {
  runId: string;
  rollout: string;
  environment: string;
  commit: { sha: string; subject: string };
  operator: string;
}

const approvalsWanted = (count: number): string => (count === 1 ? 'an approval' : `${count} approvals`);

/** What an event tells people, and the key that makes it once per gate or analysis; undefined: nothing. */
export function notificationFor(
  event: RunEvent,
  run: RunContext,
): { key: string; notification: RunNotification } | undefined {
  const base = { ...run, at: event.at };
  switch (event.type) {
    case 'gate.waiting': {
      const needed = event.required ?? 1;
      const who = event.pause === 'analysis' ? 'a person (--yes does not answer it)' : approvalsWanted(needed);
      const command = `lieutenant approve ${run.runId} --env ${run.environment}`;
      return {
        key: `gate ${event.afterBatch} ${event.pause}`,
        notification: {
          ...base,
          type: 'gate.waiting',
          batch: event.afterBatch,
          batches: event.batches,
          gate: {
            afterBatch: event.afterBatch,
            approvalsNeeded: needed,
            approve: command,
            abort: `lieutenant abort ${run.runId} --env ${run.environment}`,
          },
          text: `${run.rollout} on ${run.environment}: ${event.summary}; run ${run.runId} waits for ${who} — from any clone: ${command} --reason "…" (or lieutenant abort ${run.runId})`,
          ...(event.analysis ? { measurements: event.analysis } : {}),
        },
      };
    }
    case 'analysis.finished': {
      if (event.verdict === 'pass') return undefined;
      const type = event.verdict === 'fail' ? 'analysis.failed' : 'analysis.inconclusive';
      return {
        key: `analysis ${event.batch}`,
        notification: {
          ...base,
          type,
          batch: event.batch,
          batches: event.batches,
          text: `${run.rollout} on ${run.environment}: analysis after batch ${event.batch}/${event.batches} ${event.verdict === 'fail' ? 'failed' : 'inconclusive'} — ${event.reason}`,
          measurements: event.metrics,
        },
      };
    }
    case 'run.finished': {
      const type: NotifyOn =
        event.exitCode === ExitCode.done ? 'run.succeeded' : event.result === 'aborted' ? 'run.aborted' : 'run.failed';
      return {
        key: 'finished',
        notification: {
          ...base,
          type,
          result: event.result,
          exitCode: event.exitCode,
          text: `${run.rollout} on ${run.environment} at ${run.commit.sha.slice(0, 7)}: run ${event.result} — ${event.message}`,
        },
      };
    }
    default:
      return undefined;
  }
}

/** Slack's incoming webhooks take `{ text }`; the measurements become a few lines under it. */
export function slackBody(notification: RunNotification): { text: string } {
  const lines = [notification.text];
  for (const metric of notification.measurements ?? []) {
    const values = metric.measurements.map((m) => `${m.phase}${m.value === null ? '' : ` ${formatNumber(m.value)}`}`);
    lines.push(`• ${metric.name}: ${metric.verdict} (${values.join(', ')})`);
  }
  return { text: lines.join('\n') };
}

export interface RunNotifier {
  listener: RunEventListener;
  /** Waits for messages still in flight, at most `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

export interface NotifierDeps {
  env: NodeJS.ProcessEnv;
  onWarning: (message: string) => void;
  sender?: SenderOptions;
}

/** Resolves each webhook's URL (a missing variable or file only warns: the rollout goes on without it). */
export async function createRunNotifier(targets: readonly WebhookTarget[], deps: NotifierDeps): Promise<RunNotifier> {
  const hooks: Array<{ target: WebhookTarget; sender: WebhookSender }> = [];
  for (const target of targets) {
    const url = await resolveUrl(target.url, deps.env);
    if (!url.ok) {
      deps.onWarning(`notifications: ${url.reason}; that webhook is skipped for this run`);
      continue;
    }
    hooks.push({ target, sender: createWebhookSender(url.url, deps.sender) });
  }
  const sent = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let run: RunContext | undefined;

  const listener: RunEventListener = (event) => {
    if (event.type === 'run.started')
      run = {
        runId: event.runId,
        rollout: event.rollout,
        environment: event.environment,
        commit: event.commit,
        operator: event.operator,
      };
    if (!run || hooks.length === 0) return;
    const found = notificationFor(event, run);
    if (!found || sent.has(found.key)) return;
    sent.add(found.key);
    for (const { target, sender } of hooks) {
      if (!target.on.includes(found.notification.type)) continue;
      const body = target.format === 'slack' ? slackBody(found.notification) : found.notification;
      const delivery = sender.deliver(body).then((result) => {
        if (!result.ok) deps.onWarning(`notification not delivered: ${result.error.message}`);
      });
      inFlight.add(delivery);
      void delivery.finally(() => inFlight.delete(delivery));
    }
  };

  return {
    listener,
    async close(graceMs = 2_000) {
      if (inFlight.size === 0) return;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.allSettled([...inFlight]), grace]);
      clearTimeout(timer);
    },
  };
}

async function resolveUrl(
  url: WebhookTarget['url'],
  env: NodeJS.ProcessEnv,
): Promise<{ ok: true; url: string } | { ok: false; reason: string }> {
  let value: string | undefined;
  let from: string;
  if (url.kind === 'literal') return { ok: true, url: url.url };
  if (url.kind === 'env') {
    from = `environment variable ${url.name}`;
    value = env[url.name];
  } else {
    from = `file ${url.path}`;
    value = await readFile(url.path, 'utf8').catch(() => undefined);
  }
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === '') return { ok: false, reason: `${from} is not set` };
  if (!/^https?:\/\/\S+$/.test(trimmed)) return { ok: false, reason: `${from} does not hold an http(s) URL` };
  return { ok: true, url: trimmed };
}

/** Manual sync: a watcher holds a new commit of ENV as pending (sent once per commit, by the watcher). */
export interface SyncPendingNotification {
  type: 'sync.pending';
  text: string;
  environment: string;
  commit: { sha: string; subject: string };
  /** ISO 8601: when the watcher detected it. */
  at: string;
  hostsToChange: number | null;
  rollouts: string[];
  supersedes?: string;
}

/** Posts it to every webhook of the inventory that asks for `sync.pending`; what could not be sent comes back as warnings. */
export async function sendSyncPending(
  targets: readonly WebhookTarget[],
  notification: SyncPendingNotification,
  deps: Omit<NotifierDeps, 'onWarning'>,
): Promise<string[]> {
  const warnings: string[] = [];
  await Promise.all(
    targets
      .filter((target) => target.on.includes('sync.pending'))
      .map(async (target) => {
        const url = await resolveUrl(target.url, deps.env);
        if (!url.ok) return void warnings.push(`notifications: ${url.reason}; that webhook is skipped`);
        const body = target.format === 'slack' ? { text: notification.text } : notification;
        const sent = await createWebhookSender(url.url, deps.sender).deliver(body);
        if (!sent.ok) warnings.push(`notification not delivered: ${sent.error.message}`);
      }),
  );
  return warnings;
}
