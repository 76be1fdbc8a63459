/**
 * The `haproxy` metric provider, pure part: from two reads of the servers'
 * counters (when the batch returned, and now) to one reading. Deltas are
 * summed over the batch's servers on every load balancer of the group;
 * `baseline` does the same for the group's other servers and reads the
 * difference, so a fleet-wide problem does not blame the new version.
 */
import type { MetricReading } from '../../core/analysis.js';
import { formatNumber } from '../../core/analysis.js';
import type { HaproxyMeasure } from '../../spec/model.js';

export interface Counters {
  responses: number;
  http5xx: number;
  connectionErrors: number;
  rtimeMs: number;
}

/** `lb/server` → counters, over every load balancer of the group. */
export type CounterSnapshot = ReadonlyMap<string, Counters>;

export interface WindowTotals {
  responses: number;
  http5xx: number;
  connectionErrors: number;
  /** Sum of rtime × responses in the window, for a response-weighted average. */
  weightedRtime: number;
}

export const serverKey = (loadBalancer: string, server: string): string => `${loadBalancer}/${server}`;

/**
 * What the servers did between the two reads. A counter that went down
 * means the load balancer restarted in between: that window says nothing.
 */
export function windowTotals(
  start: CounterSnapshot,
  now: CounterSnapshot,
  servers: readonly string[],
): { ok: true; totals: WindowTotals } | { ok: false; reason: string } {
  const totals: WindowTotals = { responses: 0, http5xx: 0, connectionErrors: 0, weightedRtime: 0 };
  for (const server of servers) {
    const before = start.get(server);
    const after = now.get(server);
    if (!before || !after) return { ok: false, reason: `no counters for ${server}` };
    const responses = after.responses - before.responses;
    const http5xx = after.http5xx - before.http5xx;
    const connectionErrors = after.connectionErrors - before.connectionErrors;
    if (responses < 0 || http5xx < 0 || connectionErrors < 0)
      return { ok: false, reason: `the counters of ${server} went back (load balancer restarted?)` };
    totals.responses += responses;
    totals.http5xx += http5xx;
    totals.connectionErrors += connectionErrors;
    totals.weightedRtime += after.rtimeMs * responses;
  }
  return { ok: true, totals };
}

export interface MeasureOptions {
  measure: HaproxyMeasure;
  minRequests: number;
}

/** The measure over one side's window; too few requests is a reason, never a number. */
function valueOf(totals: WindowTotals, { measure, minRequests }: MeasureOptions, side: string): MetricReading {
  const requests = measure === 'connectionErrors' ? totals.responses + totals.connectionErrors : totals.responses;
  const noun = measure === 'connectionErrors' ? 'requests' : 'responses';
  if (requests < minRequests || requests === 0)
    return {
      ok: false,
      reason: `${side}${requests} ${noun} since the batch returned, fewer than minRequests ${minRequests}`,
    };
  switch (measure) {
    case 'http5xxRate':
      return {
        ok: true,
        value: totals.http5xx / totals.responses,
        detail: `${totals.http5xx}/${totals.responses} 5xx`,
      };
    case 'responseTimeMs':
      return { ok: true, value: totals.weightedRtime / totals.responses, detail: `over ${totals.responses} responses` };
    case 'connectionErrors':
      return { ok: true, value: totals.connectionErrors, detail: `of ${requests} requests` };
  }
}

export function haproxyReading(
  options: MeasureOptions,
  batch: WindowTotals,
  baseline: WindowTotals | undefined,
): MetricReading {
  const own = valueOf(batch, options, '');
  if (!baseline || !own.ok) return own;
  const other = valueOf(baseline, options, 'baseline: ');
  if (!other.ok) return other;
  return {
    ok: true,
    value: own.value - other.value,
    detail: `batch ${formatNumber(own.value)} − baseline ${formatNumber(other.value)}`,
  };
}
