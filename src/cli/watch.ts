/**
 * `lieutenant watch`: parses the flags into a WatchRequest and hands it to
 * the watch service, printing the watcher's lines and each run's lines
 * (or, with --json, their events as JSON lines).
 * Ctrl-C or SIGTERM stops: no new cycle, a run in flight stops safely
 * (hosts in flight finish and return to rotation, the lock is released), the
 * listener closes (/healthz says 503 stopping until then), exit 0
 * (docs/operations.md; contrib/systemd relies on it).
 * A second Ctrl-C forces, as for `run`.
 */
import type { Command } from 'commander';
import { watchService, type WatchRequest } from '../app/watch-service.js';
import { boundMs, describeBounds, parseDuration, type DurationBounds } from '../spec/duration.js';
import { createJsonRenderer } from '../ui/json.js';
import { createLineRenderer } from '../ui/lines.js';
import { repoDirOf, type CliContext } from './context.js';
import { AbortError } from './errors.js';
import { interruptions } from './interrupt.js';
import { reportFailure } from './report.js';
import { createWatchLineRenderer } from '../ui/watch-lines.js';
import { examples } from './usage.js';
import { leaseMs } from './lock-flags.js';
import { SYNC_POLICIES, type SyncPolicy } from '../spec/schema.js';

export interface WatchFlags {
  remote?: string;
  branch?: string;
  interval: string;
  listen?: string;
  secretFile?: string;
  driftAlertAfter: string;
  notify?: string;
  selfHeal?: boolean;
  yes?: boolean;
  once?: boolean;
  json?: boolean;
  lease?: string;
  /** `--sync [ENV=]POLICY`, as given, in order. */
  sync?: string[];
}

export function register(program: Command, context: CliContext): void {
  program
    .command('watch')
    .summary('the GitOps loop: runs what is pushed, alerts on drift')
    .addHelpText(
      'after',
      examples([
        ['lieutenant watch --remote origin --interval 30s', "poll origin's branch"],
        ['lieutenant watch --listen 0.0.0.0:8080 --secret-file hook.secret', 'serve GitHub push webhooks'],
        ['lieutenant watch --once --self-heal', 'one cycle, for cron'],
        ['lieutenant watch --remote origin --sync production=manual', 'production waits for lieutenant sync'],
      ]),
    )
    .description(
      'the GitOps loop: follow a remote branch and/or a signed webhook, run what changed, detect drift and alert',
    )
    .option(
      '--remote <name>',
      'the remote to poll every interval (default origin when --branch is given; none: local commits only)',
    )
    .option('--branch <name>', 'the branch to follow (default: the one checked out)')
    .option('--interval <duration>', 'how often to poll and check drift', '30s')
    .option(
      '--listen <addr:port>',
      'serve the GitHub push webhook (X-Hub-Signature-256) on this address, and GET /metrics (Prometheus) and /healthz',
    )
    .option('--secret-file <path>', 'the webhook secret (required with --listen)')
    .option('--drift-alert-after <duration>', 'alert drift that lasts this long', '5m')
    .option('--notify <url>', 'POST every alert there as JSON')
    .option('--self-heal', 'after a drift alert, run the rollout again at its deployed commit')
    .option('--yes', 'approve pause gates of the runs watch starts (never skips a health gate)')
    .option('--once', 'one cycle, then exit with its worst exit code (cron)')
    .option(
      '--lease <duration>',
      "the lease on each run's environment lock on the remote; a standby watcher takes a lapsed one over",
      '60s',
    )
    .option(
      '--sync <env=policy>',
      "automatic or manual for ENV (or every environment), over the inventory's sync; repeat it",
      (value: string, earlier: string[] = []) => [...earlier, value],
    )
    .option(
      '--json',
      "one JSON object per line: watch's events, and each run's events and summary as run --json prints them",
    )
    .action(async (flags: WatchFlags, command: Command) => {
      const request = watchRequest(repoDirOf(command, context), flags);
      context.setExitCode(await watchCommand(request, context, { json: flags.json === true }));
    });
}

/** Flags → request; what cannot work is refused before anything starts (exit 2). */
export function watchRequest(repoDir: string, flags: WatchFlags): WatchRequest {
  const intervalMs = duration('--interval', flags.interval, WATCH_DURATION_BOUNDS.interval);
  const driftAlertAfterMs = duration(
    '--drift-alert-after',
    flags.driftAlertAfter,
    WATCH_DURATION_BOUNDS.driftAlertAfter,
  );
  if (flags.listen !== undefined && flags.secretFile === undefined)
    throw new AbortError(
      '--listen needs --secret-file FILE',
      'the file holds the webhook secret GitHub signs pushes with',
    );
  if (flags.listen === undefined && flags.secretFile !== undefined)
    throw new AbortError('--secret-file is only used with --listen ADDR:PORT');
  if (flags.once && flags.listen !== undefined)
    throw new AbortError('--once runs one cycle and exits: it cannot serve a webhook (--listen)');
  if (flags.notify !== undefined && !/^https?:\/\/[^\s]+$/.test(flags.notify))
    throw new AbortError(`--notify needs an http(s) URL, not ${flags.notify}`);
  return {
    repoDir,
    ...(flags.remote !== undefined ? { remote: flags.remote } : {}),
    ...(flags.branch !== undefined ? { branch: flags.branch } : {}),
    intervalMs,
    ...(flags.listen !== undefined ? { listen: listenAddress(flags.listen) } : {}),
    ...(flags.secretFile !== undefined ? { secretFile: flags.secretFile } : {}),
    driftAlertAfterMs,
    ...(flags.notify !== undefined ? { notifyUrl: flags.notify } : {}),
    selfHeal: flags.selfHeal === true,
    yes: flags.yes === true,
    once: flags.once === true,
    ...(flags.lease !== undefined ? { leaseMs: leaseMs(flags.lease) } : {}),
    ...(flags.sync !== undefined ? { sync: syncPolicies(flags.sync) } : {}),
  };
}

/** `--sync manual`, `--sync production=manual`: environment ('*' for every one) → policy; the last one given wins. */
export function syncPolicies(values: readonly string[]): Record<string, SyncPolicy> {
  const policies: Record<string, SyncPolicy> = {};
  for (const value of values) {
    const match = /^(?:([^=\s]+)=)?([^=\s]*)$/.exec(value.trim());
    const policy = match?.[2];
    if (!match || !SYNC_POLICIES.includes(policy as SyncPolicy))
      throw new AbortError(
        `--sync ${value} is not [ENV=]POLICY`,
        `POLICY is ${SYNC_POLICIES.join(' or ')}: --sync production=manual, or --sync manual for every environment`,
      );
    policies[match[1] ?? '*'] = policy as SyncPolicy;
  }
  return policies;
}

export async function watchCommand(
  request: WatchRequest,
  context: CliContext,
  view: { json: boolean } = { json: false },
): Promise<number> {
  const { io } = context;
  const out = io.stdout;
  const interrupt = interruptions(context, (force) => {
    io.stderr.write(
      force
        ? 'forcing: abandoning steps in flight\n'
        : 'stopping watch: finishing what is in flight… (Ctrl-C again to force)\n',
    );
  });
  try {
    const done = await watchService(request, {
      onEvent: view.json ? (event) => void out.write(`${JSON.stringify(event)}\n`) : createWatchLineRenderer(out),
      runListeners: () => [view.json ? createJsonRenderer(out) : createLineRenderer(out)],
      onWarning: (warning) => io.stderr.write(`warning: ${warning}\n`),
      stop: interrupt.stop,
      force: interrupt.force,
    });
    return done.ok ? done.value.exitCode : reportFailure(done.error, context);
  } finally {
    interrupt.dispose();
  }
}

/** The flags' bounds, like the spec's (bounds.ts): a day at most, so no timer overflows into a spin. */
export const WATCH_DURATION_BOUNDS = {
  interval: { min: '100ms', max: '24h' },
  driftAlertAfter: { min: '0s', max: '24h' },
} as const satisfies Record<string, DurationBounds>;

function duration(flag: string, text: string, bounds: DurationBounds): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new AbortError(`${flag} ${text} is not a duration`, 'durations look like 500ms, 30s, 5m, 1h');
  if (ms < boundMs(bounds.min))
    throw new AbortError(`${flag} ${text} is too short`, `use a duration ${describeBounds(bounds)}`);
  if (ms > boundMs(bounds.max))
    throw new AbortError(`${flag} ${text} is too long`, `use a duration ${describeBounds(bounds)}`);
  return ms;
}

/** `127.0.0.1:8787`, `[::1]:8787`, `:8787` (all interfaces — say so explicitly if you mean it). */
export function listenAddress(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new AbortError(`--listen ${text} is not ADDR:PORT`, 'e.g. --listen 127.0.0.1:8787');
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}
