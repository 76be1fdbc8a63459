/**
 * The analysis after a batch is back in rotation ("bake"): every metric is
 * read `count` times, `interval` apart, each reading judged pass, fail or
 * inconclusive; a metric that fails more than its `failureLimit` stops the
 * measuring at once. The verdict is the worst of the metrics; what the run
 * does with it (go on, onFailure, ask a person) is decided here too, from
 * the plan alone.
 */
import { emptyTally, formatCondition, judge, metricVerdict, worstOf, type AnalysisPhase } from '../core/analysis.js';
import type { BatchPlan } from '../plan/types.js';
import type { AnalysisSettings, MetricSettings } from '../spec/model.js';
import type { MetricReport } from './events.js';
import type { AnalysisScope, MetricWindow } from './ports.js';
import { batchesOf, groupOf, hostOf, type RunEnv } from './run-env.js';

export interface AnalysisOutcome {
  verdict: AnalysisPhase;
  reason: string;
  metrics: MetricReport[];
  /** continue: pass (or inconclusive and onInconclusive: pass); fail: onFailure; ask: a gate only a person answers. */
  action: 'continue' | 'fail' | 'ask';
}

/** 'stopped': the operator stopped the run while it measured. */
export async function analyseBatch(
  batch: BatchPlan,
  settings: AnalysisSettings,
  env: RunEnv,
): Promise<AnalysisOutcome | 'stopped'> {
  const batches = batchesOf(env, batch);
  const { stop } = env.control;
  await env.emit({
    type: 'analysis.started',
    batch: batch.index,
    batches,
    count: settings.count,
    intervalMs: settings.intervalMs,
    metrics: settings.metrics.map((metric) => ({
      name: metric.name,
      provider: metric.source.kind,
      pass: formatCondition(metric.pass),
      ...(metric.fail ? { fail: formatCondition(metric.fail) } : {}),
    })),
  });
  const scope = scopeOf(batch, env);
  // Opened now, when the batch is back: HAProxy counts from here.
  const windows = await Promise.all(
    settings.metrics.map((metric) => env.deps.metrics.open(metric.source, scope, stop)),
  );
  const reports: MetricReport[] = settings.metrics.map((metric) => ({
    name: metric.name,
    verdict: 'pass',
    counts: emptyTally(),
    measurements: [],
  }));

  let stoppedEarly = false;
  for (let index = 1; index <= settings.count; index++) {
    await env.deps.clock.sleep(settings.intervalMs, stop);
    if (stop.aborted) return 'stopped';
    await Promise.all(
      settings.metrics.map((metric, at) =>
        measure(metric, windows[at], reports[at], index, settings.count, batch, env),
      ),
    );
    if (reports.some((report) => report.verdict === 'fail')) {
      stoppedEarly = index < settings.count;
      break;
    }
  }

  const verdict = worstOf(reports.map((report) => report.verdict));
  const action = verdict === 'pass' ? 'continue' : verdict === 'fail' ? 'fail' : actionOnInconclusive(settings);
  const reason = reasonOf(verdict, reports, settings.metrics);
  const outcome: AnalysisOutcome = { verdict, reason, metrics: reports, action };
  await env.emit({
    type: 'analysis.finished',
    batch: batch.index,
    batches,
    verdict,
    reason,
    metrics: reports,
    action,
    ...(stoppedEarly ? { stoppedEarly } : {}),
  });
  return outcome;
}

async function measure(
  metric: MetricSettings,
  window: MetricWindow | undefined,
  report: MetricReport | undefined,
  index: number,
  count: number,
  batch: BatchPlan,
  env: RunEnv,
): Promise<void> {
  if (!window || !report) throw new Error(`bug: no window for metric ${metric.name}`);
  const reading = await window.read(env.control.stop);
  const measurement = judge(reading, metric.pass, metric.fail);
  report.measurements.push(measurement);
  report.counts[measurement.phase] += 1;
  report.verdict = metricVerdict(report.counts, metric);
  await env.emit({ type: 'analysis.measured', batch: batch.index, metric: metric.name, index, count, measurement });
}

function actionOnInconclusive(settings: AnalysisSettings): AnalysisOutcome['action'] {
  if (settings.onInconclusive === 'pause') return 'ask';
  return settings.onInconclusive === 'fail' ? 'fail' : 'continue';
}

/** "errors: 2 of 5 measurements failed (limit 0), last 0.31 >= 0.2" */
function reasonOf(verdict: AnalysisPhase, reports: MetricReport[], metrics: MetricSettings[]): string {
  if (verdict === 'pass') return `every metric passed: ${reports.map((r) => r.name).join(', ')}`;
  return reports
    .filter((report) => report.verdict === verdict)
    .map((report) => {
      const metric = metrics.find((m) => m.name === report.name);
      const limit = verdict === 'fail' ? metric?.failureLimit : metric?.inconclusiveLimit;
      const last = [...report.measurements].reverse().find((m) => m.phase === verdict);
      const measured = report.measurements.length;
      return (
        `${report.name}: ${report.counts[verdict]} of ${measured} measurement${measured === 1 ? '' : 's'} ` +
        `${verdict === 'fail' ? 'failed' : 'inconclusive'} (limit ${limit ?? 0})${last ? `, last: ${last.reason}` : ''}`
      );
    })
    .join('; ');
}

function scopeOf(batch: BatchPlan, env: RunEnv): AnalysisScope {
  const group = groupOf(env, batch.group);
  const inBatch = new Set(batch.hosts);
  const server = (name: string) => {
    const host = hostOf(env, name);
    return { host: host.name, address: host.address, lbServer: host.lbServer };
  };
  return {
    batch: batch.index,
    group: group.name,
    hosts: batch.hosts.map(server),
    others: group.hosts.filter((host) => !inBatch.has(host.name)).map((host) => server(host.name)),
    loadBalancers: group.loadBalancers.map((name) => {
      const target = env.plan.loadBalancers[name];
      if (!target) throw new Error(`load balancer ${name} missing from the plan`);
      return target;
    }),
  };
}
