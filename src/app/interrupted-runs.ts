/** Runs whose journal has no end and whose process is gone: what `resume` can finish. */
import { readJournal } from '../adapters/journal/index.js';
import { listActiveRuns } from '../control/index.js';
import { ok, type Result } from '../core/result.js';
import { journalPath, listRuns } from '../state/index.js';
import { stateProblem, type AppFailure } from './failure.js';
import { resumePoint, type ResumePoint } from './interrupted.js';

export async function findInterrupted(repoDir: string): Promise<Result<ResumePoint[], AppFailure>> {
  const problem = await stateProblem(repoDir);
  if (problem) return { ok: false, error: problem };
  const active = new Set((await listActiveRuns(repoDir)).map((run) => run.runId));
  const points: ResumePoint[] = [];
  for (const runId of await listRuns(repoDir)) {
    if (active.has(runId)) continue;
    const { events } = await readJournal(journalPath(repoDir, runId));
    const point = resumePoint(events);
    if (point) points.push(point);
  }
  return ok(points);
}
