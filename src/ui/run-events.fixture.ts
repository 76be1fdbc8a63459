/**
 * Test fixtures: realistic event streams, as the engine emits them, for the
 * reducer, the renderers and the TUI. `scenario(...)` builds a plan for one
 * group split into batches and then scripts whole runs — success in halves,
 * failure with rollback, halt, a waiting gate — one event per simulated second.
 */
import type { RunEvent, RunEventBody } from '../engine/index.js';
import type { Plan } from '../plan/types.js';
import type { PausePolicy } from '../spec/model.js';
import { PLAN_VERSION } from '../plan/types.js';
import { plural } from './format.js';

export interface ScenarioOptions {
  hosts?: number;
  /** Batch sizes, in order; default two halves (rounded up first). */
  batchSizes?: number[];
  group?: string;
  from?: string;
  to?: string;
  threshold?: number;
  start?: string;
  runId?: string;
  operator?: string;
  sha?: string;
  subject?: string;
  pause?: 'approve' | 'timed' | 'none';
  onFailure?: 'rollback' | 'halt';
  /** Hosts already at the committed version (left out of every batch). */
  converged?: number;
}

export const hostName = (group: string, n: number, width = 2): string => `${group}-${String(n).padStart(width, '0')}`;

export function scenario(options: ScenarioOptions = {}) {
  const o = {
    hosts: 4,
    group: 'web',
    from: '1.0',
    to: '1.1',
    threshold: 2,
    start: '2025-05-01T12:00:00.000Z',
    runId: 'run-1',
    operator: 'alice',
    sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    subject: 'web: demo 1.1',
    pause: 'approve' as const,
    onFailure: 'rollback' as const,
    converged: 0,
    ...options,
  };
  const width = Math.max(2, String(o.hosts).length);
  const names = Array.from({ length: o.hosts }, (_, i) => hostName(o.group, i + 1, width));
  const working = names.slice(0, o.hosts - o.converged);
  const sizes =
    o.batchSizes ?? [Math.ceil(working.length / 2), Math.floor(working.length / 2)].filter((size) => size > 0);
  const batchHosts: string[][] = [];
  let taken = 0;
  for (const size of sizes) {
    batchHosts.push(working.slice(taken, taken + size));
    taken += size;
  }
  const pause: PausePolicy = o.pause === 'timed' ? { kind: 'timed', ms: 30_000 } : { kind: o.pause };
  const plan: Plan = {
    version: PLAN_VERSION,
    rollout: 'web',
    environment: 'staging',
    commit: { sha: o.sha, subject: o.subject },
    strategy: {
      batches: sizes.map(() => ({ kind: 'percent', percent: 50 })),
      concurrency: 10,
      maxUnavailable: { kind: 'percent', percent: 50 },
      pause,
      onFailure: o.onFailure,
    },
    purpose: 'release',
    approvals: { required: 1, distinctFromAuthor: false },
    drain: { timeoutMs: 30_000 },
    health: { intervalMs: 1_000, timeoutMs: 60_000, successThreshold: 2 },
    capacity: { waitMs: 60_000 },
    access: { user: 'root', become: 'none' },
    loadBalancers: {
      edge: {
        name: 'edge',
        type: 'haproxy',
        endpoint: { path: '/run/haproxy/admin.sock' },
        backend: 'app',
        maxConnections: 3,
      },
    },
    groups: [
      {
        name: o.group,
        packageManager: 'apt',
        loadBalancers: ['edge'],
        size: o.hosts,
        maxUnavailable: Math.max(1, Math.floor(o.hosts / 2)),
        alreadyOut: [],
        notServing: [],
        checks: [],
        hosts: names.map((name, i) => ({
          name,
          address: `127.0.1.${11 + (i % 200)}`,
          group: o.group,
          lbServer: name,
          leftOut: false,
          converged: i >= working.length,
          changes: [
            {
              name: 'demo',
              from: i >= working.length ? o.to : o.from,
              to: o.to,
              kind: i >= working.length ? 'unchanged' : 'upgrade',
            },
          ],
        })),
      },
    ],
    batches: batchHosts.map((hosts, i) => ({
      index: i + 1,
      group: o.group,
      groupBatch: i + 1,
      groupBatches: sizes.length,
      hosts,
      inFlight: hosts.length,
      gate: i === batchHosts.length - 1 ? { kind: 'none' as const } : pause,
    })),
    warnings: [],
  };

  const events: RunEvent[] = [];
  let clock = Date.parse(o.start);
  const emit = (body: RunEventBody, seconds = 1): RunEvent => {
    const event = { ...body, runId: o.runId, seq: events.length + 1, at: new Date(clock).toISOString() } as RunEvent;
    clock += seconds * 1_000;
    events.push(event);
    return event;
  };
  const batches = batchHosts.length;
  const demo = (version: string) => ({ demo: version });

  const started = () => {
    emit({
      type: 'run.started',
      rollout: 'web',
      environment: 'staging',
      commit: plan.commit,
      operator: o.operator,
      plan,
    });
    emit({ type: 'preflight.finished', ok: true, problems: [] });
  };
  const hostUntilHealthy = (host: string) => {
    emit({ type: 'host.drain.started', host, group: o.group, loadBalancers: ['edge'] });
    emit({ type: 'host.drain.finished', host, sessions: 0, timedOut: false });
    emit(
      { type: 'host.upgrade.started', host, changes: [{ name: 'demo', from: o.from, to: o.to, kind: 'upgrade' }] },
      3,
    );
    emit({ type: 'host.upgrade.finished', host, before: demo(o.from), after: demo(o.to) });
  };
  const healthy = (host: string) => {
    for (let pass = 1; pass <= o.threshold; pass++) {
      emit({
        type: 'host.health.checked',
        host,
        check: 'http',
        measurement: { phase: 'pass' },
        passes: pass,
        threshold: o.threshold,
      });
    }
    emit({ type: 'host.health.finished', host, healthy: true });
  };
  const returned = (host: string) => {
    emit({ type: 'host.return.started', host });
    emit({ type: 'host.return.finished', host });
  };
  const hostOk = (host: string) => {
    hostUntilHealthy(host);
    healthy(host);
    returned(host);
    emit({ type: 'host.done', host, changed: true });
  };
  const batch = (index: number, work: (hosts: string[]) => void, ok = true) => {
    const hosts = batchHosts[index - 1] ?? [];
    emit({ type: 'batch.started', batch: index, batches, group: o.group, hosts });
    work(hosts);
    emit({ type: 'batch.finished', batch: index, batches, ok });
  };
  const gateSummary = (index: number) =>
    `Batch ${index}/${batches} done — ${plural(batchHosts[index - 1]?.length ?? 0, 'host')} healthy on demo ${o.to}`;
  const gateWaiting = (index: number) =>
    emit(
      o.pause === 'timed'
        ? {
            type: 'gate.waiting',
            afterBatch: index,
            batches,
            pause: 'timed',
            until: clock + 30_000,
            summary: gateSummary(index),
          }
        : { type: 'gate.waiting', afterBatch: index, batches, pause: 'approve', summary: gateSummary(index) },
      20,
    );
  const finished = (
    result: Extract<RunEventBody, { type: 'run.finished' }>['result'],
    exitCode: number,
    message: string,
    changed: string[],
    hostsOut: { host: string; group: string; reason: string }[] = [],
  ) =>
    emit({
      type: 'run.finished',
      result,
      exitCode,
      message,
      changed,
      hostsOut,
      durationMs: clock - Date.parse(o.start),
    });

  return {
    plan,
    names,
    batchHosts,
    events,
    /** Every batch succeeds; the gates are approved by `bob`. */
    success(): RunEvent[] {
      started();
      batchHosts.forEach((_, i) => {
        batch(i + 1, (hosts) => hosts.forEach(hostOk));
        if (i + 1 < batches && o.pause !== 'none') {
          gateWaiting(i + 1);
          emit({ type: 'gate.answered', decision: 'approve', by: 'bob', reason: 'graphs look fine' });
        }
      });
      finished('succeeded', 0, `${batchHosts.flat().length} hosts on demo ${o.to}`, batchHosts.flat());
      return events;
    },
    /** Runs up to the first gate and stops there, waiting. */
    untilGate(): RunEvent[] {
      started();
      batch(1, (hosts) => hosts.forEach(hostOk));
      gateWaiting(1);
      return events;
    },
    /**
     * Batch 1, then its analysis: `errors` inconclusive for lack of traffic
     * (`measured` of 3 so far), `latency` passing; with all 3 taken, the
     * analysis gate waits for a person.
     */
    untilAnalysisGate(measured = 3): RunEvent[] {
      started();
      batch(1, (hosts) => hosts.forEach(hostOk));
      emit({
        type: 'analysis.started',
        batch: 1,
        batches,
        count: 3,
        intervalMs: 1_000,
        metrics: [
          { name: 'errors', provider: 'haproxy', pass: '< 0.05', fail: '>= 0.2' },
          { name: 'latency', provider: 'prometheus', pass: '< 0.3', fail: '>= 1' },
        ],
      });
      const few = {
        phase: 'inconclusive' as const,
        value: null,
        reason: '4 responses since the batch returned, fewer than minRequests 20',
      };
      const fast = { phase: 'pass' as const, value: 0.12, reason: '0.12 < 0.3' };
      for (let index = 1; index <= measured; index++) {
        emit({ type: 'analysis.measured', batch: 1, metric: 'errors', index, count: 3, measurement: few });
        emit({ type: 'analysis.measured', batch: 1, metric: 'latency', index, count: 3, measurement: fast }, 0);
      }
      if (measured < 3) return events;
      const metrics = [
        {
          name: 'errors',
          verdict: 'inconclusive' as const,
          counts: { pass: 0, fail: 0, inconclusive: 3 },
          measurements: [few, few, few],
        },
        {
          name: 'latency',
          verdict: 'pass' as const,
          counts: { pass: 3, fail: 0, inconclusive: 0 },
          measurements: [fast, fast, fast],
        },
      ];
      const reason = `errors: 3 of 3 measurements inconclusive (limit 0), last: ${few.reason}`;
      emit({ type: 'analysis.finished', batch: 1, batches, verdict: 'inconclusive', reason, metrics, action: 'ask' });
      emit({
        type: 'gate.waiting',
        afterBatch: 1,
        batches,
        pause: 'analysis',
        summary: `Batch 1/${batches}: analysis inconclusive — ${reason}`,
        analysis: metrics,
      });
      return events;
    },
    /** The second host of batch `failIn` fails its health gate; the batch is rolled back (or halted). */
    failure(failIn = 1): RunEvent[] {
      started();
      const changed: string[] = [];
      for (let i = 1; i <= failIn; i++) {
        if (i < failIn) {
          batch(i, (hosts) => hosts.forEach((host) => (hostOk(host), changed.push(host))));
          continue;
        }
        batch(
          i,
          (hosts) => {
            const [first, second] = hosts;
            if (first !== undefined) hostOk(first);
            if (second === undefined) return;
            hostUntilHealthy(second);
            const reason = 'GET /health answered 500';
            emit({
              type: 'host.health.checked',
              host: second,
              check: 'http',
              measurement: { phase: 'fail', reason },
              passes: 0,
              threshold: o.threshold,
            });
            emit({
              type: 'host.health.checked',
              host: second,
              check: 'http',
              measurement: { phase: 'fail', reason },
              passes: 0,
              threshold: o.threshold,
            });
            emit({ type: 'host.health.finished', host: second, healthy: false, reason: `${reason} for 60s` });
            emit({
              type: 'host.failed',
              host: second,
              group: o.group,
              step: 'health',
              reason: `${reason} for 60s`,
              outOfRotation: true,
            });
            if (o.onFailure === 'halt') return;
            for (const host of [first, second].filter((h): h is string => h !== undefined)) {
              emit({ type: 'host.rollback.started', host, to: demo(o.from) });
              if (host === first) emit({ type: 'host.drain.started', host, group: o.group, loadBalancers: ['edge'] });
              emit({
                type: 'host.upgrade.started',
                host,
                changes: [{ name: 'demo', from: o.to, to: o.from, kind: 'downgrade' }],
              });
              emit({ type: 'host.upgrade.finished', host, before: demo(o.to), after: demo(o.from) });
              healthy(host);
              returned(host);
              emit({ type: 'host.rollback.finished', host, ok: true });
            }
          },
          false,
        );
        if (o.onFailure === 'halt') {
          const second = batchHosts[i - 1]?.[1] ?? '';
          const first = batchHosts[i - 1]?.[0];
          finished(
            'halted',
            1,
            `${second} failed its health gate; left out of rotation`,
            [...changed, ...(first ? [first] : [])],
            [{ host: second, group: o.group, reason: 'GET /health answered 500 for 60s' }],
          );
        } else {
          finished(
            'rolled-back',
            1,
            `${batchHosts[i - 1]?.[1] ?? ''} failed its health gate; batch ${i} rolled back`,
            changed,
          );
        }
      }
      return events;
    },
    emit,
  };
}
