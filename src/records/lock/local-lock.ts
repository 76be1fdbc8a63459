/**
 * One run per environment: `.lieutenant/locks/<environment>.lock` names its
 * holder. The file is written in full under a private name, then hard-linked
 * into place — `link` fails with EEXIST like `open(…, 'wx')` does, but nobody
 * can ever read a lock that exists and is still empty.
 *
 * A lock whose process is gone (same host, `kill(pid, 0)` → ESRCH) is taken
 * over; a second, short-lived guard file makes that takeover single-winner.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { ExitCode } from '../../core/exit-codes.js';
import { ok } from '../../core/result.js';
import type { Result } from '../../core/result.js';
import { isAlive } from '../local/liveness.js';
import { lockPath, locksDir } from '../local/layout.js';
import { readLockFile, type LockInfo, type LockRead } from './lock-file.js';

export type { LockInfo } from './lock-file.js';

export interface LockHolder {
  runId: string;
  rollout: string;
  operator: string;
}

export interface Lock {
  environment: string;
  path: string;
  info: LockInfo;
  /** Set when a stale lock was taken over; the caller shows it to the operator. */
  warning?: string;
  /** Removes the lock file, only if it is still ours. */
  release(): Promise<void>;
}

/** Why the lock was not taken: held by a run (exit 4), or a lock file that is not a lock (exit 2). */
export interface LockHeld {
  environment: string;
  path: string;
  /** Undefined when the lock file cannot be read. */
  holder: LockInfo | undefined;
  exitCode: ExitCode;
  message: string;
  /** How to fix it, when there is something to fix. */
  details: string[];
}

export interface LockStatus {
  holder: LockInfo;
  /** The holder's process is gone: the next run takes the lock over. */
  stale: boolean;
}

const ATTEMPTS = 5;

export async function acquireLock(
  repoDir: string,
  environment: string,
  holder: LockHolder,
): Promise<Result<Lock, LockHeld>> {
  const path = lockPath(repoDir, environment);
  await mkdir(locksDir(repoDir), { recursive: true });
  const mine: LockInfo = {
    pid: process.pid,
    user: currentUser(),
    host: hostname(),
    since: new Date().toISOString(),
    ...holder,
  };
  const draft = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeDurably(draft, `${JSON.stringify(mine, null, 2)}\n`);
  const made = (warning?: string): Lock => ({
    environment,
    path,
    info: mine,
    ...(warning === undefined ? {} : { warning }),
    release: () => releaseIfOurs(path, mine),
  });
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      if (await linkExclusive(draft, path)) return ok(made());
      const current = await readLockFile(path);
      if (current.kind === 'missing') continue; // released between our link and read
      if (current.kind === 'unreadable' || !isStale(current.info)) return held(environment, path, current);
      const takeover = await takeOver(path, draft, current.info);
      if (takeover === 'taken') {
        return ok(made(`took over a stale lock from pid ${current.info.pid} (run ${current.info.runId})`));
      }
      // 'busy': another process is taking it over right now (a few syscalls); 'changed': someone
      // released or took it over meanwhile. Either way, look again.
      if (takeover === 'busy') await new Promise((resolve) => setTimeout(resolve, 10 * (attempt + 1)));
    }
    return held(environment, path, await readLockFile(path));
  } finally {
    await rm(draft, { force: true });
  }
}

/** What `status` shows: the holder of the environment's lock, if any (checkState has refused a lock that is not one). */
export async function readLock(repoDir: string, environment: string): Promise<LockStatus | undefined> {
  const current = await readLockFile(lockPath(repoDir, environment));
  if (current.kind !== 'held') return undefined;
  return { holder: current.info, stale: isStale(current.info) };
}

/** A holder on this host whose process no longer exists. Another host's lock is never stale to us. */
export function isStale(info: LockInfo): boolean {
  return !isAlive(info);
}

export function describeHolder(environment: string, info: LockInfo): string {
  return `${environment} is locked by run ${info.runId} (pid ${info.pid}, ${info.user}@${info.host}, since ${clockTime(info.since)})`;
}

// ------------------------------------------------------------------ helpers

async function takeOver(path: string, draft: string, stale: LockInfo): Promise<'taken' | 'busy' | 'changed'> {
  const guard = `${path}.takeover`;
  if (!(await linkExclusive(draft, guard))) {
    const other = await readLockFile(guard);
    // A takeover that crashed half-way leaves its guard behind; clear it and retry.
    if (other.kind === 'held' && isStale(other.info)) {
      await rm(guard, { force: true });
      return 'changed';
    }
    return 'busy';
  }
  try {
    const again = await readLockFile(path);
    if (again.kind !== 'held' || !sameHolder(again.info, stale)) return 'changed';
    const fresh = `${draft}.fresh`;
    await link(draft, fresh);
    await rename(fresh, path);
    return 'taken';
  } finally {
    await rm(guard, { force: true });
  }
}

function held(environment: string, path: string, current: LockRead): Result<never, LockHeld> {
  if (current.kind === 'missing') {
    const message = `the lock of ${environment} (${path}) kept changing hands; try again`;
    return {
      ok: false,
      error: { environment, path, holder: undefined, exitCode: ExitCode.locked, message, details: [] },
    };
  }
  if (current.kind === 'unreadable') {
    return {
      ok: false,
      error: {
        environment,
        path,
        holder: undefined,
        exitCode: ExitCode.badInput,
        message: `the lock file ${path} of ${environment} is not a lock Lieutenant wrote (${current.reason})`,
        details: [`if no run is active in ${environment}, remove it (rm -r ${path})`],
      },
    };
  }
  return {
    ok: false,
    error: {
      environment,
      path,
      holder: current.info,
      exitCode: ExitCode.locked,
      message: describeHolder(environment, current.info),
      details: [],
    },
  };
}

async function releaseIfOurs(path: string, mine: LockInfo): Promise<void> {
  // Nobody takes over a lock whose holder is alive, so between this read and
  // the unlink the file cannot change hands while we are running.
  const current = await readLockFile(path);
  if (current.kind === 'held' && sameHolder(current.info, mine)) {
    await rm(path, { force: true });
  }
}

async function linkExclusive(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  }
}

async function writeDurably(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx', 0o644);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function sameHolder(a: LockInfo, b: LockInfo): boolean {
  return a.pid === b.pid && a.host === b.host && a.since === b.since && a.runId === b.runId;
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}

function clockTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
  const today = new Date();
  const sameDay = at.toDateString() === today.toDateString();
  return sameDay ? time : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
