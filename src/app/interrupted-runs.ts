/**
 * Runs whose journal has no end and whose process is gone: what `resume` can
 * finish. A damaged journal is read as far as it can be and its damage said;
 * a run whose start is lost for good is never dropped silently either. A run
 * the notes record as finished with every host back is not interrupted,
 * whatever this checkout's journal says: another clone took it over and
 * finished it after this one was killed.
 */
import { listActiveRuns } from '../control/index.js';
import { ok, type Result } from '../core/result.js';
import { runRecords } from '../records/deploy/deployed.js';
import { journalPath, listRuns, stateDir } from '../records/index.js';
import { stateProblem, type AppFailure } from './failure.js';
import { resumePoint, type ResumePoint } from './interrupted.js';
import { drainedHosts, readRunJournal } from './run-journal.js';

export interface Interrupted {
  points: ResumePoint[];
  /** What could not be read of the interrupted runs, and the runs that cannot be resumed: to be said, loudly. */
  warnings: string[];
}

export async function findInterrupted(repoDir: string): Promise<Result<Interrupted, AppFailure>> {
  const problem = await stateProblem(repoDir);
  if (problem) return { ok: false, error: problem };
  const active = new Set((await listActiveRuns(repoDir)).map((run) => run.runId));
  const finished = new Set(
    (await runRecords(repoDir))
      .filter((record) => record.hostsOut.length === 0 && record.waitingAfterBatch === undefined)
      .map((record) => record.runId),
  );
  const found: Interrupted = { points: [], warnings: [] };
  for (const runId of await listRuns(repoDir)) {
    if (active.has(runId) || finished.has(runId)) continue;
    const journal = await readRunJournal(repoDir, runId);
    if (journal.startLost) {
      const out = drainedHosts(journal.events);
      found.warnings.push(
        ...journal.damage,
        `run ${runId} cannot be resumed; ${out.length > 0 ? `it took ${out.join(', ')} out of rotation and its journal does not say they came back` : 'its journal does not say which hosts it took out of rotation'}: ` +
          `check with lieutenant status, and once every host is back in rotation move the journal away (mv ${journalPath(repoDir, runId)} ${stateDir(repoDir)}/)`,
      );
      continue;
    }
    const point = resumePoint(journal.events);
    if (!point) continue;
    found.points.push(point);
    found.warnings.push(...journal.damage.map((line) => `run ${runId}: ${line}`));
  }
  return ok(found);
}
