/**
 * Where an interrupted run stopped, read from its journal alone (pure): the
 * hosts it left out of rotation, and whether it was going forward or rolling
 * a batch back. `resume` finishes exactly that.
 */
import type { EventOf, RunEvent } from '../engine/events.js';
import type { Versions } from '../engine/ports.js';

export interface ResumePoint {
  runId: string;
  started: EventOf<'run.started'>;
  lastSeq: number;
  /** Drained by the run and never returned. */
  leftOut: string[];
  /** forward: on to the committed versions; rollback: the failed (or aborted) batch back to what it had. */
  mode: 'forward' | 'rollback';
  /** In rollback mode: the versions each host of that batch goes back to. */
  rollbackTargets: Record<string, Record<string, string>>;
  /** Where it stopped, for people: "web-02 upgrade (batch 1/2)". */
  lastStep: string;
}

/** undefined when the run finished (nothing to resume) or never started. */
export function resumePoint(events: readonly RunEvent[]): ResumePoint | undefined {
  const started = events.find((e): e is EventOf<'run.started'> => e.type === 'run.started');
  if (!started || events.some((e) => e.type === 'run.finished')) return undefined;

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
      case 'host.upgrade.finished':
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
  const lastStep = `${'host' in last ? `${last.host} ` : ''}${last.type} (${batch})`;
  const rollbackTargets: ResumePoint['rollbackTargets'] = {};
  if (rollingBack) {
    const planned = new Map(started.plan.groups.flatMap((g) => g.hosts).map((h) => [h.name, h]));
    for (const host of batchHosts) {
      const versions = before.get(host) ?? Object.fromEntries(planned.get(host)?.changes.map((c) => [c.name, c.from]) ?? []);
      const target = Object.fromEntries(Object.entries(versions).filter((e): e is [string, string] => e[1] !== null));
      if (Object.keys(target).length > 0) rollbackTargets[host] = target;
    }
  }
  return {
    runId: started.runId,
    started,
    lastSeq: last.seq,
    leftOut: [...out],
    mode: rollingBack ? 'rollback' : 'forward',
    rollbackTargets,
    lastStep,
  };
}
