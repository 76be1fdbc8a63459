/**
 * The `haproxy` metric provider: reads the counters of every load balancer of
 * the group through the run's shared runtime-API clients when the batch is
 * back ("open"), and again at each measurement.
 */
import type { Result } from '../../core/result.js';
import type { AnalysisScope, MetricReading, MetricWindow } from '../../engine/index.js';
import type { HaproxyTarget, MetricSource } from '../../spec/model.js';
import { haproxyReading, serverKey, windowTotals, type CounterSnapshot, type Counters } from './haproxy-window.js';

export type ReadCounters = (target: HaproxyTarget, signal?: AbortSignal) => Promise<Result<Map<string, Counters>>>;

export async function openHaproxyWindow(
  source: Extract<MetricSource, { kind: 'haproxy' }>,
  scope: AnalysisScope,
  readCounters: ReadCounters,
  signal: AbortSignal,
): Promise<MetricWindow> {
  const snapshot = async (at: AbortSignal): Promise<Result<CounterSnapshot>> => {
    const all = new Map<string, Counters>();
    const reads = await Promise.all(scope.loadBalancers.map((lb) => readCounters(lb, at)));
    for (const [i, read] of reads.entries()) {
      if (!read.ok) return read;
      const lb = scope.loadBalancers[i]?.name ?? '';
      for (const [server, counters] of read.value) all.set(serverKey(lb, server), counters);
    }
    return { ok: true, value: all };
  };
  const keys = (servers: AnalysisScope['hosts']) =>
    scope.loadBalancers.flatMap((lb) => servers.map((server) => serverKey(lb.name, server.lbServer)));
  const batchKeys = keys(scope.hosts);
  const baselineKeys = keys(scope.others);
  const start = await snapshot(signal);

  return {
    async read(at): Promise<MetricReading> {
      if (scope.loadBalancers.length === 0)
        return { ok: false, reason: `group ${scope.group} is behind no load balancer: no HAProxy counters` };
      if (!start.ok)
        return { ok: false, reason: `counters unreadable when the batch returned: ${start.error.message}` };
      const now = await snapshot(at);
      if (!now.ok) return { ok: false, reason: `counters unreadable: ${now.error.message}` };
      const batch = windowTotals(start.value, now.value, batchKeys);
      if (!batch.ok) return { ok: false, reason: batch.reason };
      if (!source.baseline) return haproxyReading(source, batch.totals, undefined);
      if (baselineKeys.length === 0)
        return { ok: false, reason: `baseline: every server of group ${scope.group} is in the batch` };
      const baseline = windowTotals(start.value, now.value, baselineKeys);
      if (!baseline.ok) return { ok: false, reason: `baseline: ${baseline.reason}` };
      return haproxyReading(source, batch.totals, baseline.totals);
    },
  };
}
