/**
 * The run view: everything a person watching a run sees, folded from the
 * event stream by a pure `reduce(state, event)`. The TUI, the line renderer
 * and the JSON summary all read it, so they never disagree. Built to stay
 * cheap at 1,000 hosts: hosts in a copy-on-write table, per-batch and
 * per-group counts kept up to date incrementally (no scans per event).
 */
import type { RunEvent } from '../engine/index.js';
import { describeEvent } from './describe.js';
import { initialRunView, TAIL_LENGTH, type RunView } from './run-view-model.js';
import {
  finish,
  fromPlan,
  startBatch,
  stepped,
  updateHost,
  versionsOf,
  withAnalysis,
  withBatch,
} from './run-view-updates.js';

export * from './run-view-model.js';

export function reduce(view: RunView, event: RunEvent): RunView {
  const described = describeEvent(event, view);
  const at = Date.parse(event.at);
  const next = apply({ ...view, lastAt: at }, event, at);
  if (described === undefined) return next;
  const tail = [...next.tail.slice(-(TAIL_LENGTH - 1)), { at: event.at, level: described.level, text: described.text }];
  return { ...next, tail };
}

/** Folds a whole stream (for tests, `status`, and replaying a journal). */
export const reduceAll = (events: Iterable<RunEvent>, view: RunView = initialRunView()): RunView => {
  let state = view;
  for (const event of events) state = reduce(state, event);
  return state;
};

function apply(view: RunView, event: RunEvent, at: number): RunView {
  switch (event.type) {
    case 'run.started':
      return {
        ...fromPlan(event.plan),
        header: {
          runId: event.runId,
          rollout: event.rollout,
          environment: event.environment,
          commit: event.commit,
          operator: event.operator,
          startedAt: at,
          resumes: event.resumes,
        },
        tail: view.tail,
        lastAt: at,
      };
    case 'preflight.finished':
      return { ...view, preflight: { ok: event.ok, problems: event.problems } };
    case 'batch.started':
      return startBatch(view, event.batch, event.batches, event.group, event.hosts);
    case 'batch.finished':
      return {
        ...withBatch(view, event.batch, (batch) => ({ ...batch, status: event.ok ? 'done' : 'failed' })),
        activeBatch: view.activeBatch === event.batch ? undefined : view.activeBatch,
      };
    case 'host.drain.started':
      return updateHost(
        view,
        event.host,
        (host) => ({
          ...stepped(host, 'drain', at),
          state: host.rollingBack ? 'rolling-back' : 'draining',
          rotation: 'draining',
        }),
        event.group,
      );
    case 'host.drain.finished':
      return updateHost(view, event.host, (host) => ({ ...host, rotation: 'out' }));
    case 'host.upgrade.started':
      return updateHost(view, event.host, (host) => ({
        ...stepped(host, 'upgrade', at),
        state: host.rollingBack ? 'rolling-back' : 'upgrading',
        from: versionsOf(event.changes, 'from'),
        to: versionsOf(event.changes, 'to'),
      }));
    case 'host.upgrade.finished':
      return updateHost(view, event.host, (host) => ({ ...host, from: event.before, to: event.after }));
    case 'host.health.checked':
      return updateHost(view, event.host, (host) => ({
        ...(host.step === 'health' ? host : stepped(host, 'health', at)),
        state: host.rollingBack ? 'rolling-back' : 'checking',
        passes: event.passes,
        threshold: event.threshold,
        lastCheck: {
          check: event.check,
          phase: event.measurement.phase,
          reason: event.measurement.phase === 'pass' ? event.measurement.detail : event.measurement.reason,
        },
      }));
    case 'host.health.finished':
      return event.healthy
        ? view
        : updateHost(view, event.host, (host) => ({ ...host, reason: event.reason ?? host.reason }));
    case 'host.return.started':
      return updateHost(view, event.host, (host) => ({
        ...stepped(host, 'return', at),
        state: host.rollingBack ? 'rolling-back' : 'returning',
      }));
    case 'host.return.finished':
      return updateHost(view, event.host, (host) => ({ ...host, rotation: 'in' }));
    case 'host.done':
      return updateHost(view, event.host, (host) => ({
        ...stepped(host, undefined, at),
        state: host.rollingBack ? 'rolled-back' : event.changed ? 'done' : 'unchanged',
      }));
    case 'host.failed':
      return updateHost(
        view,
        event.host,
        (host) => ({
          ...host,
          state: 'failed',
          step: event.step,
          reason: event.reason,
          rotation: event.outOfRotation ? 'out' : host.rotation === 'draining' ? 'in' : host.rotation,
        }),
        event.group,
      );
    case 'host.step.started':
      return updateHost(view, event.host, (host) => stepped(host, event.point, at));
    case 'host.step.finished':
    case 'run.step.started':
    case 'run.step.finished':
      return view;
    case 'host.rollback.started':
      return updateHost(view, event.host, (host) => ({
        ...stepped(host, 'rollback', at),
        state: 'rolling-back',
        rollingBack: true,
        from: host.to,
        to: event.to,
      }));
    case 'host.rollback.finished':
      return updateHost(view, event.host, (host) => ({
        ...stepped(host, undefined, at),
        state: event.ok ? 'rolled-back' : 'failed',
        reason: event.ok ? host.reason : `rollback failed: ${event.reason ?? 'unknown reason'}`,
      }));
    case 'gate.waiting':
      return {
        ...view,
        gate: {
          afterBatch: event.afterBatch,
          batches: event.batches,
          pause: event.pause,
          until: event.until,
          summary: event.summary,
          since: at,
          required: event.required ?? 1,
          approvedBy: [],
        },
      };
    case 'gate.approval':
      return view.gate === undefined
        ? view
        : { ...view, gate: { ...view.gate, approvedBy: [...view.gate.approvedBy, event.identity ?? event.by] } };
    case 'gate.refused':
      return view;
    case 'analysis.started':
      return {
        ...view,
        analyses: [
          ...view.analyses.filter((analysis) => analysis.batch !== event.batch),
          {
            batch: event.batch,
            count: event.count,
            intervalMs: event.intervalMs,
            metrics: event.metrics.map((metric) => ({
              name: metric.name,
              provider: metric.provider,
              pass: metric.pass,
              fail: metric.fail,
              measurements: [],
              verdict: undefined,
            })),
            startedAt: at,
            verdict: undefined,
            reason: undefined,
            action: undefined,
          },
        ],
      };
    case 'analysis.measured':
      return withAnalysis(view, event.batch, (analysis) => ({
        ...analysis,
        metrics: analysis.metrics.map((metric) =>
          metric.name === event.metric
            ? { ...metric, measurements: [...metric.measurements, event.measurement] }
            : metric,
        ),
      }));
    case 'analysis.finished': {
      const judged = withAnalysis(view, event.batch, (analysis) => ({
        ...analysis,
        verdict: event.verdict,
        reason: event.reason,
        action: event.action,
        metrics: analysis.metrics.map((metric) => ({
          ...metric,
          verdict: event.metrics.find((report) => report.name === metric.name)?.verdict,
        })),
      }));
      return event.action === 'fail'
        ? withBatch(judged, event.batch, (batch) => ({ ...batch, status: 'failed' }))
        : judged;
    }
    case 'gate.answered':
      return {
        ...view,
        gate: undefined,
        answers: [
          ...view.answers,
          {
            afterBatch: view.gate?.afterBatch,
            decision: event.decision,
            by: event.by,
            reason: event.reason,
            at: event.at,
            ...(event.from === undefined ? {} : { from: event.from }),
          },
        ],
      };
    case 'run.stopping':
      return { ...view, stopping: { reason: event.reason, force: event.force } };
    case 'run.finished':
      return finish(view, event, at);
    case 'log':
    case 'host.rotation.reasserted':
    case 'lb.restarted':
      return view;
  }
}
