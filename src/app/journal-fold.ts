/**
 * The one reading of a run's journal (pure): who started it, how its last
 * part ended, the gate answers, the analyses, the hosts it changed and the hosts it left
 * out of rotation, and whether it was going forward or rolling a batch back.
 * The note on its commit (`runRecordOf`), `history` and `resume`
 * (interrupted.ts) are each a view of this fold.
 *
 * A resumed run appends a second part (a second `run.started`) to the same
 * journal, continuing the seq: only the last part's end counts.
 */
import type { EventOf, HostOut, RunEvent, Versions, WaitingGate } from '../engine/index.js';
import type { Plan } from '../plan/types.js';
import {
  analysisSummaries,
  type AnalysisSummary,
  type Approval,
  type RunRecord,
} from '../records/deploy/run-record.js';

export interface RunFold {
  runId: string;
  /** The first part's start: who, which commit, the plan. */
  started: EventOf<'run.started'>;
  /** The last part's end; undefined while running or when interrupted. */
  finished: EventOf<'run.finished'> | undefined;
  last: RunEvent;
  approvals: Approval[];
  /** Each batch's analysis: verdict, why, per metric how many measurements passed, failed, were inconclusive. */
  analyses: AnalysisSummary[];
  /** The run's `changed` when it ended, else every host done with a change so far. */
  hostsChanged: string[];
  /** The run's `hostsOut` when it ended, else hosts that failed out of rotation and never returned. */
  hostsOut: HostOut[];
  /**
   * Drained by the run and never returned, or whose steps began and whose
   * pipeline never ended (a configuration manager left disabled): a resumed
   * run takes them through their pipeline again, steps included.
   */
  leftOut: string[];
  /** A batch was being rolled back (a failure with onFailure rollback, an abort at a gate). */
  rollingBack: boolean;
  /** The hosts of the batch in flight when the journal ends. */
  batchHosts: string[];
  /** Versions each host had before the run changed it (or the rollback's target). */
  before: ReadonlyMap<string, Versions>;
  /** "batch 1/2", or "before the first batch". */
  batch: string;
  /** The interrupted run this one continued (never itself). */
  resumes?: string;
  /** The run had finished a batch and not yet had its gates answered (measuring, waiting, or stopped there). */
  waitingGate?: WaitingGate;
}

/** undefined when the journal has no `run.started`: nothing happened worth folding. */
export function foldJournal(events: readonly RunEvent[]): RunFold | undefined {
  const started = events.find((e): e is EventOf<'run.started'> => e.type === 'run.started');
  if (!started) return undefined;
  const lastPart = events.slice(events.findLastIndex((e) => e.type === 'run.started'));
  const finished = lastPart.findLast((e): e is EventOf<'run.finished'> => e.type === 'run.finished');

  const approvals: Approval[] = [];
  let afterBatch = 0;
  const changed = new Set<string>();
  const failedOut = new Map<string, HostOut>();
  const out = new Set<string>();
  const stepsUnfinished = new Set<string>();
  const before = new Map<string, Versions>();
  let batchHosts: string[] = [];
  let rollingBack = false;
  let batch = 'before the first batch';
  // Batch numbers are of the part's own plan: a resumed part plans again.
  let plan: Plan | undefined = started.plan;
  let waitingGate: WaitingGate | undefined;
  for (const event of events) {
    switch (event.type) {
      case 'run.started':
        plan = event.plan;
        break;
      case 'batch.started':
        batchHosts = event.hosts;
        batch = `batch ${event.batch}/${event.batches}`;
        waitingGate = undefined;
        break;
      case 'batch.finished':
        waitingGate = event.ok ? gateAfter(plan, event.batch, 'analysis') : undefined;
        break;
      case 'host.drain.started':
        out.add(event.host);
        break;
      case 'host.return.finished':
        out.delete(event.host);
        failedOut.delete(event.host);
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
      case 'host.step.started':
        stepsUnfinished.add(event.host);
        break;
      case 'host.done':
        if (event.changed) changed.add(event.host);
        stepsUnfinished.delete(event.host);
        break;
      case 'host.rollback.finished':
        if (event.ok) stepsUnfinished.delete(event.host);
        break;
      case 'host.failed':
        if (event.outOfRotation)
          failedOut.set(event.host, { host: event.host, group: event.group, reason: event.reason });
        // Journals outlive versions of Lieutenant: a start without its plan is read, not trusted.
        if (started.plan?.strategy?.onFailure === 'rollback') rollingBack = true;
        break;
      case 'gate.waiting':
        afterBatch = event.afterBatch;
        break;
      case 'gate.answered': {
        const { by, decision, reason, at, during } = event;
        approvals.push({
          by,
          decision,
          ...(reason === undefined ? {} : { reason }),
          at,
          afterBatch,
          ...(during === undefined ? {} : { during }),
        });
        if (decision === 'abort') rollingBack = true;
        if (during === undefined) waitingGate = undefined;
        break;
      }
      // A failed analysis is a failed batch: interrupted before its rollback began, resume still rolls it back.
      case 'analysis.finished':
        if (event.action === 'fail' && started.plan?.strategy?.onFailure === 'rollback') rollingBack = true;
        waitingGate =
          event.action === 'continue'
            ? gateAfter(plan, event.batch, 'pause')
            : event.action === 'ask' && waitingGate
              ? {
                  ...waitingGate,
                  at: 'analysis-gate',
                  analysis: { verdict: event.verdict, reason: event.reason, metrics: event.metrics },
                }
              : undefined;
        break;
      default:
        break;
    }
  }
  const lastStart = lastPart[0]?.type === 'run.started' ? lastPart[0] : undefined;
  const resumes = started.resumes ?? lastStart?.resumes;
  return {
    runId: started.runId,
    started,
    finished,
    last: events.at(-1) ?? started,
    approvals,
    analyses: analysisSummaries(events),
    hostsChanged: finished?.changed ?? [...changed],
    hostsOut: finished?.hostsOut ?? [...failedOut.values()],
    leftOut: [...new Set([...out, ...stepsUnfinished])],
    rollingBack,
    batchHosts,
    before,
    batch,
    ...(resumes !== undefined && resumes !== started.runId ? { resumes } : {}),
    ...(waitingGate ? { waitingGate } : {}),
  };
}

/** What is still to be asked after a batch of `plan`, from `from` on; undefined: nothing (no analysis, no pause). */
function gateAfter(plan: Plan | undefined, index: number, from: 'analysis' | 'pause'): WaitingGate | undefined {
  // Journals outlive versions of Lieutenant: a plan without batches asks nothing.
  const batch = plan?.batches?.find((b) => b.index === index);
  if (!plan || !batch) return undefined;
  if (from === 'analysis' && batch.analysis) return { batch, batches: plan.batches.length, at: 'analysis' };
  return batch.gate?.kind === 'none' || batch.gate === undefined
    ? undefined
    : { batch, batches: plan.batches.length, at: 'pause' };
}

/** A finished run's events, as the RunRecord noted on its commit in Git. */
export function runRecordOf(events: readonly RunEvent[]): RunRecord | undefined {
  const fold = foldJournal(events);
  if (!fold?.finished) return undefined;
  const { started, finished } = fold;
  return {
    runId: started.runId,
    rollout: started.rollout,
    environment: started.environment,
    commit: started.commit.sha,
    subject: started.commit.subject,
    operator: started.operator,
    startedAt: started.at,
    finishedAt: finished.at,
    result: finished.result,
    hostsChanged: finished.changed,
    hostsOut: finished.hostsOut,
    approvals: fold.approvals,
    analyses: fold.analyses,
    ...(fold.waitingGate ? { waitingAfterBatch: fold.waitingGate.batch.index } : {}),
  };
}
