/**
 * A run coordinated through the rollout repo's Git remote (docs/safety.md,
 * one run per environment): which
 * remote holds the environment lock, taking it (and, when a holder's lease
 * ran out, its stranded journal), and sharing this run's journal there at
 * each batch boundary and gate so that another clone can finish it.
 * Without a remote, the local lock in `.lieutenant/locks/` is all there is.
 */
import type { Journal, RunEvent } from '../engine/index.js';
import { ok, type Result } from '../core/result.js';
import { gitRun } from '../records/git/git-run.js';
import { acquireRemoteLock, readRemoteLock } from '../records/lock/remote-lock.js';
import {
  RUNS_PREFIX,
  deleteSharedJournal,
  importSharedJournals,
  pushJournal,
} from '../records/journal/shared-journal.js';
import { ensureStateDir, type LockHolder, type LockStatus } from '../records/index.js';
import { leaseExpired, type EnvironmentLock } from '../records/lock/lock-port.js';
import { badInput, type AppFailure } from './failure.js';
import { followedBranch } from '../records/trust/followed-branch.js';
import { describeIgnored } from '../records/trust/ignored.js';
import { sharedJournalProblems } from './shared-journal-trust.js';

/** How a command coordinates: `--remote NAME` and `--lease DURATION`. */
export interface Coordination {
  /** The remote named with --remote; default origin, or the only remote; none: the local lock only. */
  remote?: string;
  leaseMs?: number;
}

export const LOCAL_ONLY = 'none';

/** What a run taking only this checkout's lock says, so that nobody forgets what it gave up. */
export const localOnlyWarning = (environment: string): string =>
  `--remote none: ${environment} is locked in this checkout only; a run from another clone or watcher is not kept out`;

/** The remote that holds the lock, or undefined when the repo has none (the local lock is then the lock). */
export async function lockRemoteOf(
  repoDir: string,
  requested?: string,
): Promise<Result<string | undefined, AppFailure>> {
  const listed = await gitRun(repoDir, ['remote']);
  const remotes = listed.code === 0 ? listed.stdout.split('\n').filter((line) => line.trim() !== '') : [];
  // `--remote none`: this checkout's lock only, when the remote cannot be reached (unless a remote is called none).
  if (requested === LOCAL_ONLY && !remotes.includes(LOCAL_ONLY)) return ok(undefined);
  if (requested !== undefined) {
    if (remotes.includes(requested)) return ok(requested);
    return {
      ok: false,
      error: badInput(`the rollout repo has no remote ${requested} (remotes: ${remotes.join(', ') || 'none'})`),
    };
  }
  if (remotes.includes('origin')) return ok('origin');
  return ok(remotes.length === 1 ? remotes[0] : undefined);
}

/**
 * Takes ENVIRONMENT's lock on `remote` and, holding it, brings in the shared
 * journals of runs there that no one finished — a run whose holder's lease
 * ran out among them — so `findInterrupted` sees them.
 */
export async function takeSharedLock(
  repoDir: string,
  remote: string,
  environment: string,
  holder: LockHolder,
  options: { leaseMs: number; onWarning: (message: string) => void },
): Promise<Result<EnvironmentLock, AppFailure>> {
  const taken = await acquireRemoteLock(repoDir, environment, holder, { remote, leaseMs: options.leaseMs });
  if (!taken.ok) {
    const { exitCode, message, details } = taken.error;
    return { ok: false, error: { exitCode, message, details } };
  }
  const lock = taken.value;
  if (lock.warning) options.onWarning(lock.warning);
  let imported: Awaited<ReturnType<typeof importSharedJournals>>;
  try {
    await ensureStateDir(repoDir);
    const branch = await followedBranch(repoDir, { remote });
    imported = await importSharedJournals(repoDir, remote, environment, (journal) =>
      sharedJournalProblems(repoDir, branch, journal.text),
    );
  } catch (error) {
    await lock.release();
    throw error;
  }
  if (!imported.ok) {
    await lock.release();
    return {
      ok: false,
      error: badInput(
        `${imported.error.message}; nothing was changed`,
        imported.error.detail ? [imported.error.detail] : [],
      ),
    };
  }
  for (const runId of imported.value.imported)
    options.onWarning(`brought in the journal of run ${runId} from ${remote}`);
  for (const { runId, problems } of imported.value.refused)
    options.onWarning(
      `${describeIgnored({ ref: `${RUNS_PREFIX}/${runId}`, reason: problems.slice(0, 3).join('; ') })}; not resumed from it`,
    );
  return ok(lock);
}

/** The holder of ENVIRONMENT's lock on `remote`, as `status` shows it (stale: its lease ran out); undefined when free or unreadable. */
export async function readSharedLock(
  repoDir: string,
  remote: string,
  environment: string,
): Promise<LockStatus | undefined> {
  const seen = await readRemoteLock(repoDir, remote, environment).catch(() => undefined);
  if (seen?.kind !== 'held') return undefined;
  return { holder: seen.info, stale: leaseExpired(seen.info, Date.now()) };
}

/** Events pushed before the run goes on: batch boundaries, gates, failures, the start and the end. */
const SHARED_AT = new Set<RunEvent['type']>([
  'run.started',
  'batch.started',
  'batch.finished',
  'gate.waiting',
  'gate.answered',
  'host.failed',
  'run.stopping',
  'run.finished',
]);

export interface JournalSharing {
  /**
   * The run's journal, written ahead to the remote too at each boundary: a
   * batch's hosts are drained only once the remote knows the batch began, so
   * whoever finishes the run knows which hosts may be out.
   */
  wrap(journal: Journal): Journal;
  /** Waits for the pushes under way; then, when the run is over (every host back, no gate left to ask), deletes the shared journal. */
  finish(over: boolean): Promise<void>;
}

/** One push at a time; a push queued behind it reads the file when it starts, so it covers every event before it. */
export function shareJournal(
  repoDir: string,
  remote: string,
  runId: string,
  onWarning: (message: string) => void,
): JournalSharing {
  let pushing: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  let warned = false;
  const push = (): Promise<void> => {
    if (queued) return queued;
    const next = pushing.then(async () => {
      queued = undefined;
      const pushed = await pushJournal(repoDir, remote, runId);
      // The run goes on: its own journal is intact, only another clone could not take it over now.
      if (!pushed.ok && !warned) {
        warned = true;
        onWarning(`${pushed.error.message}; another clone could not finish this run if it stopped now`);
      }
    });
    queued = next;
    pushing = next;
    return next;
  };
  return {
    wrap: (journal) => ({
      append: async (event) => {
        await journal.append(event);
        if (SHARED_AT.has(event.type)) await push();
      },
    }),
    finish: async (over) => {
      await pushing;
      if (over) await deleteSharedJournal(repoDir, remote, runId);
    },
  };
}
