/** A finished run's events, summarised as the RunRecord noted on its commit in Git. */
import type { RunEvent } from '../engine/index.js';
import type { Approval, RunRecord } from '../gitops/run-record.js';

export function runRecordOf(events: readonly RunEvent[]): RunRecord | undefined {
  const started = events.find((e): e is Extract<RunEvent, { type: 'run.started' }> => e.type === 'run.started');
  const finished = events.findLast((e): e is Extract<RunEvent, { type: 'run.finished' }> => e.type === 'run.finished');
  if (!started || !finished) return undefined;
  const approvals: Approval[] = [];
  let afterBatch = 0;
  for (const event of events) {
    if (event.type === 'gate.waiting') afterBatch = event.afterBatch;
    if (event.type === 'gate.answered') {
      approvals.push({
        by: event.by,
        decision: event.decision,
        ...(event.reason ? { reason: event.reason } : {}),
        at: event.at,
        afterBatch,
      });
    }
  }
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
    approvals,
  };
}
