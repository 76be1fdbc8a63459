/**
 * One run's journal, read for `resume`, `status` and `history` so that a run
 * whose hosts may be out of rotation never disappears: every readable line is
 * used, and what could not be read is said (`damage`). A journal whose
 * lines are lost (a truncated file, a garbled start) gets them back from the
 * run's log (`.lieutenant/logs/<runId>.log`, app/run-log.ts: one pino line per
 * event, under `event`); the fields resume needs — commit, rollout,
 * environment, hosts, versions — are never redacted there.
 */
import { readFile } from 'node:fs/promises';
import { readJournal } from '../records/journal/index.js';
import type { RunEvent } from '../engine/index.js';
import { journalPath, runLogPath } from '../records/index.js';

export interface RunJournal {
  runId: string;
  /** Readable events, in seq order; the start recovered from the log comes first. */
  events: RunEvent[];
  /** What could not be read and what was used instead, one sentence each. */
  damage: string[];
  /** No `run.started` anywhere: which commit the run applied cannot be known. */
  startLost: boolean;
}

export async function readRunJournal(repoDir: string, runId: string): Promise<RunJournal> {
  const path = journalPath(repoDir, runId);
  const journal = await readJournal(path);
  const damage: string[] = [];
  if (journal.unreadable.length > 0) {
    const lines = journal.unreadable;
    damage.push(
      `journal ${path}: ${lines.length === 1 ? 'line' : 'lines'} ${lines.join(', ')} unreadable (not an event); the ${journal.events.length} readable lines are used`,
    );
  }
  const hasStart = journal.events.some((event) => event.type === 'run.started');
  const lastPart = journal.events.slice(journal.events.findLastIndex((event) => event.type === 'run.started'));
  const finished = hasStart && lastPart.some((event) => event.type === 'run.finished');
  if (finished && damage.length === 0) return { runId, events: journal.events, damage, startLost: false };

  // Unfinished or damaged: what the journal lost may be in the log (written alongside, never instead).
  const seen = new Set(journal.events.map((event) => event.seq));
  const fromLog = (await loggedEvents(repoDir, runId)).filter((event) => !seen.has(event.seq));
  const events = [...journal.events, ...fromLog].sort((a, b) => a.seq - b.seq);
  if (fromLog.length > 0) {
    damage.push(
      `journal ${path} lacks ${fromLog.length} ${fromLog.length === 1 ? 'event' : 'events'} (seq ${fromLog.map((event) => event.seq).join(', ')}); read from the run's log ${runLogPath(repoDir, runId)}`,
    );
  }
  const startLost = !events.some((event) => event.type === 'run.started');
  if (startLost) {
    damage.push(
      `journal ${path} has lost the run's start, and its log has none: which commit it applied cannot be known, so it cannot be resumed`,
    );
  }
  return { runId, events, damage, startLost };
}

/** The hosts a run without a start took out of rotation, as far as its readable lines tell. */
export function drainedHosts(events: readonly RunEvent[]): string[] {
  const out = new Set<string>();
  for (const event of events) {
    if (event.type === 'host.drain.started') out.add(event.host);
    if (event.type === 'host.return.finished') out.delete(event.host);
  }
  return [...out];
}

/** The run's events in its log, as far as they can be read. */
async function loggedEvents(repoDir: string, runId: string): Promise<RunEvent[]> {
  let text: string;
  try {
    text = await readFile(runLogPath(repoDir, runId), 'utf8');
  } catch {
    return []; // no log: another machine's run, or logs cleaned up
  }
  const events: RunEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const { event } = JSON.parse(line) as { event?: Partial<RunEvent> };
      if (typeof event?.type === 'string' && event.runId === runId && typeof event.seq === 'number')
        events.push(event as RunEvent);
    } catch {
      // a torn log line: the others still count
    }
  }
  return events;
}
