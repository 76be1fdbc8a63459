/**
 * `lieutenant history`: every past run, newest first. Finished runs come from
 * the notes in Git (they travel with the repo); runs that never finished are
 * only in this machine's journals (`.lieutenant/runs/*.jsonl`) and show as
 * `running` (their holder still has the lock) or `interrupted`.
 */
import type { HostOut, RunEvent, RunResult } from '../engine/index.js';
import { listRuns, readLock } from '../records/index.js';
import { runRecords } from '../records/deploy/deployed.js';
import { readSyncLog, type SyncLogEntry } from '../records/sync/sync-log.js';
import { fetchSharedRecords } from './shared-records.js';
import type { AnalysisSummary, Approval, RunRecord } from '../records/deploy/run-record.js';
import { ok, type Result } from '../core/result.js';
import { gitAt, repositoryProblem } from '../records/git/git.js';
import { badInput, stateProblem, type AppFailure } from './failure.js';
import { foldJournal } from './journal-fold.js';
import { drainedHosts, readRunJournal } from './run-journal.js';

export type HistoryResult = RunResult | 'running' | 'interrupted';

export interface HistoryEntry {
  runId: string;
  environment: string;
  rollout: string;
  commit: { sha: string; subject: string };
  operator: string;
  /** ISO 8601. */
  startedAt: string;
  /** Undefined while running or when interrupted. */
  finishedAt: string | undefined;
  /** Start to finish; for a run that did not finish, start to its last journaled step. */
  durationMs: number | undefined;
  result: HistoryResult;
  approvals: Approval[];
  /** Each batch's analysis: verdict, why, per metric how many measurements passed, failed, were inconclusive. */
  analyses: AnalysisSummary[];
  hostsChanged: string[];
  hostsOut: HostOut[];
  /** The run that continued this interrupted one, if any. */
  resumedBy?: string;
  /** The interrupted run this one continued. */
  resumes?: string;
  /** Where it was found: a Git note (finished), or only a local journal. */
  source: 'note' | 'journal';
  /** What of its journal could not be read (an unfinished run only; a finished one has its note). */
  damage?: string[];
  /** Manual sync: the run applied a pending commit — when a watcher detected it, who asked to apply it, and why. */
  sync?: SyncOfRun;
}

export interface SyncOfRun {
  /** ISO 8601; undefined when the detection is not in the log (an older watcher). */
  detectedAt?: string;
  detectedBy?: string;
  appliedBy: string;
  reason?: string;
  requestedAt?: string;
}

/**
 * `lieutenant history`: the runs, after checking there is a rollout repo with
 * sound local state, and that an environment asked for exists (an inventory
 * at HEAD, or one that ever ran) — a typo is exit 2, not "no runs yet".
 */
export async function historyService(request: {
  repoDir: string;
  environment?: string;
  /** Read the remote's shared records first: runs and syncs of every clone. */
  fetchShared?: { onWarning: (message: string) => void };
}): Promise<Result<HistoryEntry[], AppFailure>> {
  const { repoDir, environment } = request;
  const notRepo = await repositoryProblem(repoDir);
  if (notRepo !== undefined) return { ok: false, error: badInput(notRepo) };
  const problem = await stateProblem(repoDir);
  if (problem) return { ok: false, error: problem };
  if (request.fetchShared) {
    const warnings = await fetchSharedRecords(repoDir);
    warnings.forEach(request.fetchShared.onWarning);
  }
  const all = await loadHistory(repoDir);
  if (environment === undefined) return ok(all);
  const known = new Set([...(await inventoriesAtHead(repoDir)), ...all.map((entry) => entry.environment)]);
  if (!known.has(environment)) {
    const listed = [...known].sort().join(', ');
    return {
      ok: false,
      error: badInput(`no environment ${environment} in ${repoDir}`, [
        known.size === 0 ? 'no inventories/*.yaml at HEAD and no runs yet' : `environments: ${listed}`,
      ]),
    };
  }
  return ok(all.filter((entry) => entry.environment === environment));
}

async function inventoriesAtHead(repoDir: string): Promise<string[]> {
  const listing = await gitAt(repoDir)
    .raw(['ls-tree', '--name-only', 'HEAD', 'inventories/'])
    .catch(() => '');
  return listing
    .split('\n')
    .map((path) => /^inventories\/([^/]+)\.yaml$/.exec(path)?.[1])
    .filter((name): name is string => name !== undefined);
}

export async function loadHistory(repoDir: string, filter: { environment?: string } = {}): Promise<HistoryEntry[]> {
  const noted = new Map((await runRecords(repoDir, filter)).map((r) => [r.runId, fromRecord(r)]));
  const journaled = await journalRuns(repoDir);
  const resumedBy = new Map<string, string>();
  for (const run of journaled.values()) if (run.resumes !== undefined) resumedBy.set(run.resumes, run.runId);

  const entries: HistoryEntry[] = [...noted.values()];
  for (const run of journaled.values()) {
    const entry = noted.get(run.runId);
    if (entry !== undefined) {
      if (run.resumes !== undefined) entry.resumes = run.resumes;
      continue;
    }
    // A run whose start is lost has no known environment: it shows under every one, never under none.
    const lost = run.environment === UNKNOWN;
    if (!lost && filter.environment !== undefined && run.environment !== filter.environment) continue;
    const lock = await readLock(repoDir, run.environment);
    const alive = lock !== undefined && lock.holder.runId === run.runId && !lock.stale;
    entries.push({ ...run, result: run.result ?? (alive ? 'running' : 'interrupted') });
  }
  const syncs = syncByRun(await readSyncLog(repoDir));
  for (const entry of entries) {
    const sync = syncs.get(entry.runId);
    if (sync !== undefined) entry.sync = sync;
    const successor = resumedBy.get(entry.runId);
    if (successor !== undefined && successor !== entry.runId) entry.resumedBy = successor;
  }
  return entries.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** Run id → how manual sync applied it: the `applied` entry naming the run, and the detection of the same commit before it. */
function syncByRun(log: readonly SyncLogEntry[]): Map<string, SyncOfRun> {
  const byRun = new Map<string, SyncOfRun>();
  for (const applied of log) {
    if (applied.event !== 'applied') continue;
    const detected = log.findLast(
      (e) =>
        e.event === 'detected' &&
        e.commit === applied.commit &&
        e.environment === applied.environment &&
        e.at <= applied.at,
    );
    const sync: SyncOfRun = {
      appliedBy: applied.by,
      ...(applied.reason !== undefined ? { reason: applied.reason } : {}),
      ...(applied.requestedAt !== undefined ? { requestedAt: applied.requestedAt } : {}),
      ...(detected ? { detectedAt: detected.at, detectedBy: detected.by } : {}),
    };
    for (const runId of applied.runs ?? []) byRun.set(runId, sync);
  }
  return byRun;
}

function fromRecord(record: RunRecord): HistoryEntry {
  const { commit, subject, ...rest } = record;
  const duration = Date.parse(record.finishedAt) - Date.parse(record.startedAt);
  return {
    ...rest,
    commit: { sha: commit, subject },
    durationMs: Number.isNaN(duration) ? undefined : duration,
    source: 'note',
  };
}

type JournalRun = Omit<HistoryEntry, 'result'> & { result: RunResult | undefined };

/** Every journaled run, by run id. A resumed run may span files, so events are grouped by their runId. */
async function journalRuns(repoDir: string): Promise<Map<string, JournalRun>> {
  const byRun = new Map<string, RunEvent[]>();
  const damaged = new Map<string, string[]>();
  const lost: JournalRun[] = [];
  for (const file of await listRuns(repoDir)) {
    const journal = await readRunJournal(repoDir, file);
    if (journal.startLost) lost.push(lostRun(file, journal.events, journal.damage));
    else {
      if (journal.damage.length > 0) damaged.set(file, journal.damage);
      for (const event of journal.events) byRun.set(event.runId, [...(byRun.get(event.runId) ?? []), event]);
    }
  }
  const runs = new Map<string, JournalRun>();
  for (const [runId, events] of byRun) {
    const run = summarise(
      runId,
      events.sort((a, b) => a.seq - b.seq),
    );
    const damage = damaged.get(runId);
    if (run !== undefined) runs.set(runId, damage === undefined || run.result !== undefined ? run : { ...run, damage });
  }
  for (const run of lost) if (!runs.has(run.runId)) runs.set(run.runId, run);
  return runs;
}

const UNKNOWN = '?';

/** A run whose start is lost: its id still tells when and which rollout; its readable lines, which hosts it drained. */
function lostRun(runId: string, events: readonly RunEvent[], damage: string[]): JournalRun {
  const stamp = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-(.+)-[0-9a-f]+$/.exec(runId);
  const startedAt = stamp ? `${stamp[1]}-${stamp[2]}-${stamp[3]}T${stamp[4]}:${stamp[5]}:${stamp[6]}.000Z` : '';
  return {
    runId,
    environment: UNKNOWN,
    rollout: stamp?.[7] ?? UNKNOWN,
    commit: { sha: '', subject: '(its start is lost)' },
    operator: UNKNOWN,
    startedAt,
    finishedAt: undefined,
    durationMs: undefined,
    result: undefined,
    approvals: [],
    analyses: [],
    hostsChanged: [],
    hostsOut: drainedHosts(events).map((host) => ({ host, group: UNKNOWN, reason: 'drained; not known to be back' })),
    source: 'journal',
    damage,
  };
}

function summarise(runId: string, events: RunEvent[]): JournalRun | undefined {
  const fold = foldJournal(events);
  if (fold === undefined) return undefined; // nothing happened worth showing
  const { started, finished, last } = fold;
  return {
    runId,
    environment: started.environment,
    rollout: started.rollout,
    commit: started.commit,
    operator: started.operator,
    startedAt: started.at,
    finishedAt: finished?.at,
    durationMs: Date.parse((finished ?? last).at) - Date.parse(started.at),
    result: finished?.result,
    approvals: fold.approvals,
    analyses: fold.analyses,
    hostsChanged: fold.hostsChanged,
    hostsOut: fold.hostsOut,
    ...(fold.resumes === undefined ? {} : { resumes: fold.resumes }),
    source: 'journal',
  };
}
