/**
 * Where Lieutenant's wall time goes, from the run's own journal: start-up and
 * observing the fleet (spawn → run.started), preflight, each batch, and the
 * way out (run.finished → process exit: git note, closing connections).
 */
import { readJournal } from '../src/records/journal/index.js';
import { journalPath, listRuns } from '../src/records/index.js';
import { median } from './measure.js';

export type Phases = Record<string, number>;

export async function lieutenantPhases(repoDir: string, spawnedAt: number, exitedAt: number): Promise<Phases> {
  const [newest] = await listRuns(repoDir);
  if (newest === undefined) return {};
  const { events } = await readJournal(journalPath(repoDir, newest));
  const at = (event: { at: string } | undefined) => (event === undefined ? Number.NaN : Date.parse(event.at));
  const find = (type: string) => events.find((event) => event.type === type);
  const phases: Phases = {
    'start-up, spec, lock, read fleet, plan': at(find('run.started')) - spawnedAt,
    preflight: at(find('preflight.finished')) - at(find('run.started')),
  };
  for (const started of events.filter((event) => event.type === 'batch.started')) {
    const batch = 'batch' in started ? started.batch : 0;
    const finished = events.find(
      (event) => event.type === 'batch.finished' && 'batch' in event && event.batch === batch,
    );
    phases[`batch ${batch}`] = at(finished) - at(started);
  }
  phases['run.finished → exit'] = exitedAt - at(find('run.finished'));
  return phases;
}

/** Median of each phase over the runs, in the order of the first run. */
export function medianPhases(runs: readonly Phases[]): Array<[string, number]> {
  const names = Object.keys(runs[0] ?? {});
  return names.map((name) => [name, median(runs.map((phases) => phases[name] ?? Number.NaN))]);
}
