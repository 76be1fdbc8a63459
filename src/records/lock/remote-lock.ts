/**
 * The environment lock on the shared Git remote: `refs/lieutenant/locks/<env>`
 * points at a parentless commit whose message is the holder, as JSON (run,
 * operator, machine, checkout, pid, lease). Every change is a compare-and-swap
 * push (`--force-with-lease=<ref>:<expected>`): taking a free lock expects no
 * ref, renewing and releasing expect our own commit, taking over expects the
 * expired holder's — so of two clones racing, exactly one wins.
 *
 * The holder renews its lease every quarter of it, and acts only while its
 * lease is provably its own by its monotonic clock (fence.ts): a renewal that
 * fails or cannot reach the remote does not count. A lease is taken over once
 * it ran out by the taker's wall clock with the clock-skew allowance to spare;
 * so is a holder in this very checkout whose process is gone.
 */
import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import { ExitCode } from '../../core/exit-codes.js';
import { ok, type Result } from '../../core/result.js';
import { LockInfoSchema } from './lock-file.js';
import { leaseExpired, type EnvironmentLock, type LeasedLockInfo } from './lock-port.js';
import type { LockHeld, LockHolder } from './local-lock.js';
import { isAlive } from '../local/liveness.js';
import { gitOut, gitRun } from '../git/git-run.js';
import { casPush, recordCommit } from '../git/record-ref.js';
import {
  actUntil,
  holderMayAct,
  monotonicNow,
  takeableAt,
  type LeaseFence,
  type LeaseLapsed,
  type MonotonicClock,
} from './fence.js';
import { leaseProblem } from '../trust/lease.js';
import { screenJson } from '../trust/screen.js';

export const LOCKS_PREFIX = 'refs/lieutenant/locks';
export const DEFAULT_LEASE_MS = 60_000;

export const lockRef = (environment: string): string => `${LOCKS_PREFIX}/${environment}`;

export interface RemoteLockOptions {
  remote: string;
  leaseMs: number;
  /** Tests move time; default Date.now. */
  now?: () => number;
  /** The holder's monotonic clock, which its fence reads; default performance.now. */
  monotonic?: MonotonicClock;
}

const LeasedSchema = LockInfoSchema.extend({
  repoDir: z.string().min(1),
  renewedAt: z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a time'),
  leaseMs: z.number().int().positive(),
});

type Seen =
  | { kind: 'free' }
  | { kind: 'held'; oid: string; info: LeasedLockInfo }
  | { kind: 'unreadable'; oid: string; reason: string };

const ATTEMPTS = 5;

export async function acquireRemoteLock(
  repoDir: string,
  environment: string,
  holder: LockHolder,
  options: RemoteLockOptions,
): Promise<Result<EnvironmentLock, LockHeld>> {
  const { remote, leaseMs } = options;
  const now = options.now ?? Date.now;
  const monotonic = options.monotonic ?? monotonicNow;
  const ref = lockRef(environment);
  const where = `${remote} ${ref}`;
  const since = new Date(now()).toISOString();
  const mine = (): LeasedLockInfo => ({
    pid: process.pid,
    user: currentUser(),
    host: hostname(),
    since,
    ...holder,
    repoDir,
    renewedAt: new Date(now()).toISOString(),
    leaseMs,
  });
  const refused = (exitCode: ExitCode, message: string, details: string[] = [], info?: LeasedLockInfo) => ({
    ok: false as const,
    error: { environment, path: where, holder: info, exitCode, message, details },
  });

  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    let seen: Seen;
    try {
      seen = await readRemoteLock(repoDir, remote, environment);
    } catch (error) {
      return refused(ExitCode.badInput, `could not read the lock of ${environment} on ${remote}: ${messageOf(error)}`, [
        `the lock lives on the rollout repo's remote; check that ${remote} can be reached (git ls-remote ${remote})`,
      ]);
    }
    if (seen.kind === 'unreadable') {
      return refused(ExitCode.badInput, `${where} is not a lock Lieutenant wrote (${seen.reason})`, [
        `if no run is active in ${environment}, delete it: git push ${remote} :${ref}`,
      ]);
    }
    if (seen.kind === 'held' && !takeable(seen.info, repoDir, now())) {
      return refused(
        ExitCode.locked,
        describeLeasedHolder(environment, seen.info, now()),
        [`lock: ${where}`],
        seen.info,
      );
    }
    const renewedMono = monotonic();
    const info = mine();
    const expected = seen.kind === 'held' ? seen.oid : undefined;
    let pushed: 'ok' | 'moved';
    let commit: string;
    try {
      commit = await recordCommit(repoDir, info);
      pushed = await casPush(repoDir, remote, ref, expected, commit);
    } catch (error) {
      return refused(ExitCode.badInput, `could not take the lock of ${environment} on ${remote}: ${messageOf(error)}`);
    }
    if (pushed === 'moved') continue; // someone else moved it first: look again
    const takenOver = seen.kind === 'held' ? seen.info : undefined;
    return ok(
      holdLease(repoDir, remote, environment, info, commit, {
        leaseMs,
        now,
        monotonic,
        renewedMono,
        where,
        takenOver,
      }),
    );
  }
  return refused(ExitCode.locked, `the lock of ${environment} (${where}) kept changing hands; try again`);
}

/** What `ref` on `remote` holds now. Throws when the remote cannot be read. */
export async function readRemoteLock(repoDir: string, remote: string, environment: string): Promise<Seen> {
  const ref = lockRef(environment);
  const seenRef = `refs/lieutenant/seen-locks/${environment}`;
  let oid: string | undefined;
  // The holder renews (or lets go) between our ls-remote and fetch: then read what the fetch brought.
  for (let attempt = 0; attempt < 3 && oid === undefined; attempt += 1) {
    const listed = await gitOut(repoDir, ['ls-remote', '--end-of-options', remote, ref]);
    const advertised = listed
      .split('\n')
      .map((line) => line.split('\t'))
      .find(([, name]) => name === ref)?.[0];
    if (advertised === undefined) return { kind: 'free' };
    if ((await gitRun(repoDir, ['cat-file', '-e', `${advertised}^{commit}`])).code === 0) {
      oid = advertised;
      break;
    }
    const fetched = await gitRun(repoDir, ['fetch', '--quiet', '--no-tags', remote, `+${ref}:${seenRef}`]);
    if (fetched.code === 0) oid = (await gitOut(repoDir, ['rev-parse', '--verify', seenRef])).trim();
  }
  if (oid === undefined) throw new Error(`${ref} on ${remote} kept changing while it was read`);
  const message = await gitRun(repoDir, ['log', '-1', '--format=%B', oid]);
  if (message.code !== 0) return { kind: 'unreadable', oid, reason: 'not a commit' };
  // Pushed by whoever can push: names must be names, text is shown escaped, a lease past the longest is refused.
  const screened = screenJson(message.stdout, 'its message');
  if (!screened.ok) return { kind: 'unreadable', oid, reason: screened.reason };
  const parsed = LeasedSchema.safeParse(screened.value);
  if (parsed.success) {
    const lease = leaseProblem(parsed.data, Date.now());
    return lease === undefined ? { kind: 'held', oid, info: parsed.data } : { kind: 'unreadable', oid, reason: lease };
  }
  const issue = parsed.error.issues[0];
  return { kind: 'unreadable', oid, reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
}

export function describeLeasedHolder(environment: string, info: LeasedLockInfo, now: number): string {
  const renewed = Date.parse(info.renewedAt);
  const left = Math.ceil((renewed + info.leaseMs - now) / 1000);
  const takeIn = Math.ceil((takeableAt(renewed, info.leaseMs) - now) / 1000);
  const lease =
    left > 0
      ? `lease ${left}s left`
      : `lease expired ${-left}s ago, taken over in ${Math.max(1, takeIn)}s (allowance for clock skew)`;
  return `${environment} is locked by run ${info.runId} (${info.operator}; pid ${info.pid}, ${info.user}@${info.host}:${info.repoDir}, since ${info.since}, ${lease})`;
}

/** An expired lease, or a holder in this checkout whose process is gone. */
function takeable(info: LeasedLockInfo, repoDir: string, now: number): boolean {
  if (leaseExpired(info, now)) return true;
  return info.host === hostname() && info.repoDir === repoDir && !isAlive(info);
}

interface Lease {
  leaseMs: number;
  now: () => number;
  monotonic: MonotonicClock;
  /** The monotonic reading taken with the first lease's renewedAt. */
  renewedMono: number;
  where: string;
  takenOver: LeasedLockInfo | undefined;
}

/**
 * The held lock: renewed every quarter of the lease until released or lost,
 * and fenced — it may act until `lease − margin` after its last renewal the
 * remote accepted, by its monotonic clock, and never again once that passed.
 */
function holdLease(
  repoDir: string,
  remote: string,
  environment: string,
  first: LeasedLockInfo,
  firstOid: string,
  lease: Lease,
): EnvironmentLock {
  const ref = lockRef(environment);
  const lost = new AbortController();
  let info = first;
  let oid = firstOid;
  let renewedMono = lease.renewedMono;
  let released = false;
  let timer: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  const lapse = (message: string): void => {
    if (lost.signal.aborted) return;
    const lapsed: LeaseLapsed = { kind: 'lease-lapsed', environment, message };
    lost.abort(lapsed);
    clearTimeout(timer);
    clearTimeout(deadline);
  };
  const check: LeaseFence['check'] = () => {
    if (!lost.signal.aborted && !holderMayAct(renewedMono, lease.leaseMs, lease.monotonic())) {
      const ago = ((lease.monotonic() - renewedMono) / 1000).toFixed(1);
      lapse(
        `the lease of ${environment} (${lease.where}) can no longer be proven this run's: last renewed ${ago}s ago, lease ${lease.leaseMs / 1000}s`,
      );
    }
    return lost.signal.aborted ? { ok: false, error: lost.signal.reason as LeaseLapsed } : { ok: true };
  };
  // The run learns of a lapse as it happens, not only at its next action.
  const armDeadline = (): void => {
    clearTimeout(deadline);
    deadline = setTimeout(check, Math.max(0, actUntil(renewedMono, lease.leaseMs) - lease.monotonic()) + 1);
    deadline.unref();
  };
  armDeadline();
  // One update at a time: a renewal, the run id, the release — each expects the last one's commit.
  let queue: Promise<unknown> = Promise.resolve();
  const update = (change: Partial<LeasedLockInfo>): Promise<void> => {
    const next = queue.then(async () => {
      if (released || check().ok === false) return;
      const stampMono = lease.monotonic();
      const fresh = { ...info, ...change, renewedAt: new Date(lease.now()).toISOString() };
      const commit = await recordCommit(repoDir, fresh);
      const pushed = await casPush(repoDir, remote, ref, oid, commit).catch(() => 'unreachable' as const);
      if (pushed === 'ok') {
        info = fresh;
        oid = commit;
        renewedMono = stampMono;
        armDeadline();
      } else if (pushed === 'moved') {
        lapse(`the lock of ${environment} (${lease.where}) was taken over: this run's lease ran out`);
      }
      // Unreachable: not renewed. The lease still counts from the last renewal the remote accepted.
    });
    queue = next.catch(() => undefined);
    return next;
  };
  // Every quarter of the lease counted from the last renewal the remote accepted (not from when a slow
  // push returned), and soon again after one that failed: a push may take up to half the lease.
  const renewSoon = (): void => {
    const due = renewedMono + lease.leaseMs / 4 - lease.monotonic();
    timer = setTimeout(
      () => {
        void update({}).finally(() => {
          if (!released && !lost.signal.aborted) renewSoon();
        });
      },
      Math.max(50, Math.floor(due)),
    );
    timer.unref();
  };
  renewSoon();
  return {
    environment,
    where: lease.where,
    get info() {
      return info;
    },
    ...(lease.takenOver
      ? {
          takenOver: lease.takenOver,
          warning: `took over the lock of ${environment} from run ${lease.takenOver.runId} (pid ${lease.takenOver.pid} on ${lease.takenOver.host}): its lease ran out`,
        }
      : {}),
    fence: { check, lapsed: lost.signal },
    assign: ({ runId, rollout }) => update({ runId, rollout }),
    release: async () => {
      clearTimeout(timer);
      clearTimeout(deadline);
      await queue;
      if (released) return;
      released = true;
      // Still ours on the remote (a lapse by our own clock, not a takeover): let the taker in at once.
      await casPush(repoDir, remote, ref, oid, undefined).catch(() => undefined);
    },
  };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
