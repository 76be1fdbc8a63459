/**
 * Waiting on a run in another process through what it writes ahead: its
 * journal (`.lieutenant/runs/<runId>.jsonl`). A `*.started` event is on disk
 * before its step runs, so "the first host.drain.started is in the journal"
 * means the drain has begun — the moment to act (kill -9, approve). If the
 * process ends first, the wait fails at once with the process's output.
 */
import type { EventOf, RunEvent, RunEventType } from '../../../src/engine/index.js';
import { waitFor } from '../../fleet/wait.js';
import { eventsOf, lastJournal } from './lieutenant.js';
import type { LieutenantProcess } from './lieutenant-process.js';
import type { RolloutRepo } from './rollout-repo.js';

export interface JournalWaitOptions<T extends RunEventType> {
  /** The process writing the journal: its early exit ends the wait with its output. */
  process: LieutenantProcess;
  where?: (event: EventOf<T>) => boolean;
  timeoutMs?: number;
  /** Short by default: a step can be over in a few hundred ms. */
  intervalMs?: number;
}

/** Resolves with the first `type` event of the newest journal (and the journal so far), once it is on disk. */
export async function journaled<T extends RunEventType>(
  repo: Pick<RolloutRepo, 'dir'>,
  type: T,
  { process, where = () => true, timeoutMs = 60_000, intervalMs = 20 }: JournalWaitOptions<T>,
): Promise<{ event: EventOf<T>; events: RunEvent[] }> {
  const ended = new AbortController();
  void process.exited.then((exit) =>
    ended.abort(
      new Error(
        `lieutenant exited (code ${exit.code}, signal ${exit.signal}) before journaling ${type}:\n${exit.output}`,
      ),
    ),
  );
  return waitFor(
    async () => {
      const events = await lastJournal(repo);
      const event = eventsOf(events, type).find(where);
      return event === undefined ? undefined : { event, events };
    },
    { what: `${type} in the run journal`, timeoutMs, intervalMs, signal: ended.signal },
  );
}
