/**
 * Where an unfinished run stopped, read from its journal alone (pure): the
 * hosts it left out of rotation, and whether it was going forward or rolling
 * a batch back. Unfinished means killed (no end in the journal), or ended
 * with hosts still out — halted, forced, a rollback that did not complete.
 * `resume` finishes exactly that.
 */
import type { EventOf, RunEvent } from '../engine/index.js';
import type { Versions, WaitingGate } from '../engine/index.js';
import { rollbackTarget } from '../engine/index.js';
import { foldJournal } from './journal-fold.js';

export interface ResumePoint {
  runId: string;
  started: EventOf<'run.started'>;
  lastSeq: number;
  /** Drained by the run and never returned. */
  leftOut: string[];
  /** forward: on to the committed versions; rollback: the failed (or aborted) batch back to what it had. */
  mode: 'forward' | 'rollback';
  /** In rollback mode: the versions each host of that batch goes back to (null: removed again). */
  rollbackTargets: Record<string, Versions>;
  /** What each host the run changed had before it changed it: a later rollback goes back to this. */
  before: Record<string, Versions>;
  /** Where it stopped, for people: "web-02 upgrade (batch 1/2)". */
  lastStep: string;
  /**
   * The hosts of a batch the journal began and never finished. A journal
   * shared through the remote is written at batch boundaries only: which of
   * these the run had drained, the fleet says (resumeFacts).
   */
  inFlight: string[];
  /** Going forward, it stood after a batch whose gates were not answered: resuming asks them first. */
  waitingGate?: WaitingGate;
}

/** undefined when the run finished with every host in rotation (nothing to resume) or never started. */
export function resumePoint(events: readonly RunEvent[]): ResumePoint | undefined {
  const fold = foldJournal(events);
  if (!fold) return undefined;
  const { started, finished: ended, last, waitingGate } = fold;
  // A run stopped at a gate (or before it) left a batch nobody approved: it is not finished either.
  if (ended && ended.hostsOut.length === 0 && !waitingGate) return undefined;

  const lastStep = waitingGate
    ? describeWaiting(waitingGate)
    : ended
      ? `${ended.result} with ${ended.hostsOut.map((out) => out.host).join(', ')} out of rotation`
      : `${'host' in last ? `${last.host} ` : ''}${last.type} (${fold.batch})`;
  // A halted run left its failed hosts out on purpose, the rest of its batch healthy in rotation: only those come back.
  const halted = ended?.result === 'halted';
  const rollbackTargets: ResumePoint['rollbackTargets'] = {};
  if (fold.rollingBack || halted) {
    const planned = new Map(started.plan.groups.flatMap((g) => g.hosts).map((h) => [h.name, h]));
    for (const name of halted ? (ended?.hostsOut.map((out) => out.host) ?? []) : fold.batchHosts) {
      const host = planned.get(name);
      const target = host ? rollbackTarget(host, fold.before.get(name)) : {};
      if (Object.keys(target).length > 0) rollbackTargets[name] = target;
    }
  }
  return {
    runId: started.runId,
    started,
    lastSeq: last.seq,
    leftOut: fold.leftOut,
    mode: fold.rollingBack || halted ? 'rollback' : 'forward',
    rollbackTargets,
    before: Object.fromEntries(fold.before),
    lastStep,
    inFlight: !ended && batchOpen(events) ? fold.batchHosts : [],
    ...(waitingGate && !fold.rollingBack && !halted ? { waitingGate } : {}),
  };
}

/** "the pause gate after batch 1/2", as people read where a run stopped. */
function describeWaiting({ at, batch, batches }: WaitingGate): string {
  const after = `after batch ${batch.index}/${batches}`;
  if (at === 'pause') return `the pause gate ${after}`;
  return at === 'analysis' ? `the analysis ${after}` : `the analysis gate ${after}`;
}

function batchOpen(events: readonly RunEvent[]): boolean {
  return (
    events.findLastIndex((e) => e.type === 'batch.started') > events.findLastIndex((e) => e.type === 'batch.finished')
  );
}
