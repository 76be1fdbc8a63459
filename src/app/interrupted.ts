/**
 * Where an unfinished run stopped, read from its journal alone (pure): the
 * hosts it left out of rotation, and whether it was going forward or rolling
 * a batch back. Unfinished means killed (no end in the journal), or ended
 * with hosts still out — halted, forced, a rollback that did not complete.
 * `resume` finishes exactly that.
 */
import type { EventOf, RunEvent } from '../engine/index.js';
import type { Versions } from '../engine/index.js';
import { rollbackTarget } from '../engine/index.js';

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
}

/** undefined when the run finished with every host in rotation (nothing to resume) or never started. */
export function resumePoint(events: readonly RunEvent[]): ResumePoint | undefined {
  const started = events.find((e): e is EventOf<'run.started'> => e.type === 'run.started');
  if (!started) return undefined;
  // A resumed run appends to the same journal: only its last part's end counts.
  const lastPart = events.slice(events.findLastIndex((e) => e.type === 'run.started'));
  const ended = lastPart.find((e): e is EventOf<'run.finished'> => e.type === 'run.finished');
  if (ended && ended.hostsOut.length === 0) return undefined;

  const out = new Set<string>();
  const before = new Map<string, Versions>();
  let batchHosts: string[] = [];
  let rollingBack = false;
  let batch = 'before the first batch';
  for (const event of events) {
    switch (event.type) {
      case 'batch.started':
        batchHosts = event.hosts;
        batch = `batch ${event.batch}/${event.batches}`;
        break;
      case 'host.drain.started':
        out.add(event.host);
        break;
      case 'host.return.finished':
        out.delete(event.host);
        break;
      // The first record of a host wins: what it had before this run (any part of it) changed it.
      case 'host.upgrade.started':
        if (event.before && !before.has(event.host)) before.set(event.host, event.before);
        break;
      case 'host.upgrade.finished': // journals written before upgrade.started carried `before`
        if (!before.has(event.host)) before.set(event.host, event.before);
        break;
      case 'host.rollback.started':
        rollingBack = true;
        before.set(event.host, event.to);
        break;
      case 'host.failed':
        if (started.plan.strategy.onFailure === 'rollback') rollingBack = true;
        break;
      case 'gate.answered':
        if (event.decision === 'abort') rollingBack = true;
        break;
      default:
        break;
    }
  }

  const last = events.at(-1) ?? started;
  const lastStep = ended
    ? `${ended.result} with ${ended.hostsOut.map((out) => out.host).join(', ')} out of rotation`
    : `${'host' in last ? `${last.host} ` : ''}${last.type} (${batch})`;
  // A halted run left its failed hosts out on purpose, the rest of its batch healthy in rotation: only those come back.
  const halted = ended?.result === 'halted';
  const rollbackTargets: ResumePoint['rollbackTargets'] = {};
  if (rollingBack || halted) {
    const planned = new Map(started.plan.groups.flatMap((g) => g.hosts).map((h) => [h.name, h]));
    for (const name of halted ? (ended?.hostsOut.map((out) => out.host) ?? []) : batchHosts) {
      const host = planned.get(name);
      const target = host ? rollbackTarget(host, before.get(name)) : {};
      if (Object.keys(target).length > 0) rollbackTargets[name] = target;
    }
  }
  return {
    runId: started.runId,
    started,
    lastSeq: last.seq,
    leftOut: [...out],
    mode: rollingBack || halted ? 'rollback' : 'forward',
    rollbackTargets,
    before: Object.fromEntries(before),
    lastStep,
  };
}
