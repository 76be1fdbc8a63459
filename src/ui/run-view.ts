/**
 * The run view: everything a person watching a run sees, folded from the
 * event stream by a pure `reduce(state, event)`. The TUI, the line renderer
 * and the JSON summary all read it, so they never disagree. Built to stay
 * cheap at 1,000 hosts: hosts in a copy-on-write table, per-batch and
 * per-group counts kept up to date incrementally (no scans per event).
 */
import type { HostStep, RunEvent } from '../engine/index.js';
import { cordonText } from '../plan/planner.js';
import type { Versions } from '../engine/index.js';
import type { PackageChange, Plan } from '../plan/types.js';
import { createHostTable } from './host-table.js';
import { describeEvent } from './describe.js';
import {
  type AnalysisView,
  emptyCounts,
  initialRunView,
  TAIL_LENGTH,
  type BatchView,
  type GroupView,
  type HostState,
  type HostView,
  type Rotation,
  type RunView,
} from './run-view-model.js';

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

function fromPlan(plan: Plan): RunView {
  const batchOf = new Map<string, number>();
  for (const batch of plan.batches) for (const host of batch.hosts) batchOf.set(host, batch.index);
  const counts = emptyCounts();
  const rows: [string, HostView][] = [];
  const groups = new Map<string, GroupView>();
  for (const group of plan.groups) {
    const out = new Set(group.alreadyOut);
    groups.set(group.name, {
      name: group.name,
      size: group.size,
      inRotation: group.size - out.size,
      draining: 0,
      out: out.size,
    });
    for (const host of group.hosts) {
      const state: HostState = host.converged ? 'unchanged' : 'waiting';
      counts[state] += 1;
      const view = newHost(
        host.name,
        group.name,
        batchOf.get(host.name),
        state,
        out.has(host.name) ? 'out' : 'in',
        host.changes,
      );
      rows.push([host.name, host.cordoned ? { ...view, cordon: cordonText(host.name, host.cordoned) } : view]);
    }
  }
  const batches: BatchView[] = plan.batches.map((batch) => {
    const batchCounts = emptyCounts();
    batchCounts.waiting = batch.hosts.length;
    return {
      index: batch.index,
      batches: plan.batches.length,
      group: batch.group,
      hosts: batch.hosts,
      status: 'pending',
      counts: batchCounts,
    };
  });
  return { ...initialRunView(), plan, hosts: createHostTable(rows), batches, groups, counts };
}

function newHost(
  name: string,
  group: string,
  batch: number | undefined,
  state: HostState,
  rotation: Rotation,
  changes: PackageChange[] = [],
): HostView {
  return {
    name,
    group,
    batch,
    state,
    rotation,
    from: versionsOf(changes, 'from'),
    to: versionsOf(changes, 'to'),
    step: undefined,
    stepStartedAt: undefined,
    passes: 0,
    threshold: 0,
    lastCheck: undefined,
    reason: undefined,
    rollingBack: false,
  };
}

const versionsOf = (changes: readonly PackageChange[], side: 'from' | 'to'): Versions =>
  Object.fromEntries(changes.map((change) => [change.name, change[side]]));

const stepped = (host: HostView, step: HostStep | undefined, at: number): HostView => ({
  ...host,
  step,
  stepStartedAt: step === undefined ? undefined : at,
});

function startBatch(view: RunView, index: number, batches: number, group: string, hosts: string[]): RunView {
  let next: RunView = { ...view, activeBatch: index };
  if (!view.batches.some((batch) => batch.index === index)) {
    // A stream without a plan (a resumed or partial one): learn the batch from the event.
    const added: BatchView = { index, batches, group, hosts, status: 'pending', counts: emptyCounts() };
    next = { ...next, batches: [...view.batches, added].sort((a, b) => a.index - b.index) };
    for (const name of hosts) next = updateHost(next, name, (host) => ({ ...host, batch: index }), group);
  }
  return withBatch(next, index, (batch) => ({ ...batch, status: 'running' }));
}

function withAnalysis(view: RunView, batch: number, change: (analysis: AnalysisView) => AnalysisView): RunView {
  const at = view.analyses.findIndex((analysis) => analysis.batch === batch);
  const analysis = view.analyses[at];
  if (analysis === undefined) return view;
  const analyses = [...view.analyses];
  analyses[at] = change(analysis);
  return { ...view, analyses };
}

function withBatch(view: RunView, index: number, change: (batch: BatchView) => BatchView): RunView {
  const at = view.batches.findIndex((batch) => batch.index === index);
  const batch = view.batches[at];
  if (batch === undefined) return view;
  const batches = [...view.batches];
  batches[at] = change(batch);
  return { ...view, batches };
}

/** The one place a host changes: keeps the batch, group and total counts in step with it. */
function updateHost(view: RunView, name: string, change: (host: HostView) => HostView, group?: string): RunView {
  const existing = view.hosts.get(name);
  const before = existing ?? newHost(name, group ?? '?', undefined, 'waiting', 'in');
  const after = change(before);
  let next: RunView = { ...view, hosts: view.hosts.set(name, after) };
  if (existing === undefined || before.state !== after.state || before.batch !== after.batch) {
    const counts = { ...next.counts };
    if (existing !== undefined) counts[before.state] -= 1;
    counts[after.state] += 1;
    next = { ...next, counts };
    if (existing !== undefined && before.batch !== undefined)
      next = withBatch(next, before.batch, (b) => ({
        ...b,
        counts: { ...b.counts, [before.state]: b.counts[before.state] - 1 },
      }));
    if (after.batch !== undefined)
      next = withBatch(next, after.batch, (b) => ({
        ...b,
        counts: { ...b.counts, [after.state]: b.counts[after.state] + 1 },
      }));
  }
  if (existing === undefined || before.rotation !== after.rotation)
    next = moveRotation(next, after.group, existing === undefined ? undefined : before.rotation, after.rotation);
  return next;
}

const ROTATION_FIELD = { in: 'inRotation', draining: 'draining', out: 'out' } as const;

function moveRotation(view: RunView, group: string, from: Rotation | undefined, to: Rotation): RunView {
  const current = view.groups.get(group) ?? { name: group, size: 0, inRotation: 0, draining: 0, out: 0 };
  const updated = { ...current, size: from === undefined ? current.size + 1 : current.size };
  if (from !== undefined) updated[ROTATION_FIELD[from]] -= 1;
  updated[ROTATION_FIELD[to]] += 1;
  const groups = new Map(view.groups);
  groups.set(group, updated);
  return { ...view, groups };
}

function finish(view: RunView, event: Extract<RunEvent, { type: 'run.finished' }>, at: number): RunView {
  // The engine's last word on who is out of rotation wins over what we inferred.
  let next: RunView = view;
  for (const out of event.hostsOut)
    next = updateHost(next, out.host, (host) => ({ ...host, rotation: 'out' }), out.group);
  return {
    ...next,
    gate: undefined,
    activeBatch: undefined,
    result: {
      result: event.result,
      exitCode: event.exitCode,
      message: event.message,
      changed: event.changed,
      hostsOut: event.hostsOut,
      durationMs: event.durationMs,
      finishedAt: at,
    },
  };
}
