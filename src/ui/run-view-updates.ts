/**
 * The run view's state changes, each pure and cheap at 1,000 hosts: the view
 * made from a plan, a host, batch or analysis updated copy-on-write, the
 * rotation counts moved incrementally, the run's end. `reduce` (run-view.ts)
 * decides which event makes which change.
 */
import type { HostStep, RunEvent } from '../engine/index.js';
import { cordonText } from '../plan/planner.js';
import type { Versions } from '../engine/index.js';
import type { PackageChange, Plan } from '../plan/types.js';
import { createHostTable } from './host-table.js';
import {
  type AnalysisView,
  emptyCounts,
  initialRunView,
  type BatchView,
  type GroupView,
  type HostState,
  type HostView,
  type Rotation,
  type RunView,
} from './run-view-model.js';

export function fromPlan(plan: Plan): RunView {
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

export const versionsOf = (changes: readonly PackageChange[], side: 'from' | 'to'): Versions =>
  Object.fromEntries(changes.map((change) => [change.name, change[side]]));

export const stepped = (host: HostView, step: HostStep | undefined, at: number): HostView => ({
  ...host,
  step,
  stepStartedAt: step === undefined ? undefined : at,
});

export function startBatch(view: RunView, index: number, batches: number, group: string, hosts: string[]): RunView {
  let next: RunView = { ...view, activeBatch: index };
  if (!view.batches.some((batch) => batch.index === index)) {
    // A stream without a plan (a resumed or partial one): learn the batch from the event.
    const added: BatchView = { index, batches, group, hosts, status: 'pending', counts: emptyCounts() };
    next = { ...next, batches: [...view.batches, added].sort((a, b) => a.index - b.index) };
    for (const name of hosts) next = updateHost(next, name, (host) => ({ ...host, batch: index }), group);
  }
  return withBatch(next, index, (batch) => ({ ...batch, status: 'running' }));
}

export function withAnalysis(view: RunView, batch: number, change: (analysis: AnalysisView) => AnalysisView): RunView {
  const at = view.analyses.findIndex((analysis) => analysis.batch === batch);
  const analysis = view.analyses[at];
  if (analysis === undefined) return view;
  const analyses = [...view.analyses];
  analyses[at] = change(analysis);
  return { ...view, analyses };
}

export function withBatch(view: RunView, index: number, change: (batch: BatchView) => BatchView): RunView {
  const at = view.batches.findIndex((batch) => batch.index === index);
  const batch = view.batches[at];
  if (batch === undefined) return view;
  const batches = [...view.batches];
  batches[at] = change(batch);
  return { ...view, batches };
}

/** The one place a host changes: keeps the batch, group and total counts in step with it. */
export function updateHost(view: RunView, name: string, change: (host: HostView) => HostView, group?: string): RunView {
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

export function finish(view: RunView, event: Extract<RunEvent, { type: 'run.finished' }>, at: number): RunView {
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
