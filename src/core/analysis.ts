/**
 * Analysis between batches, Argo-style: each measurement of a metric is
 * pass, fail or inconclusive — never an exception — and a few plain rules
 * turn measurements into a verdict. Conditions are a comparison and a
 * number ("< 0.05"), parsed, never evaluated as an expression.
 */

export type AnalysisPhase = 'pass' | 'fail' | 'inconclusive';

export interface AnalysisMeasurement {
  phase: AnalysisPhase;
  /** What was measured; null when nothing could be (no data, an error). */
  value: number | null;
  /** Why this phase, in words: "0.012 < 0.05", "12 responses, fewer than minRequests 20". */
  reason: string;
}

/** What a provider read: a number, or why there is none (which is never a pass). */
export type MetricReading = { ok: true; value: number; detail?: string } | { ok: false; reason: string };

export const COMPARISONS = ['<=', '>=', '==', '!=', '<', '>'] as const;
export type Comparison = (typeof COMPARISONS)[number];

export interface Condition {
  op: Comparison;
  value: number;
}

/** `< 0.05`, `>=1`, `== 0`, `!= -2.5e-3`: a comparison, then one decimal number, nothing else. */
export const CONDITION_PATTERN = /^\s*(<=|>=|==|!=|<|>)\s*(-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*$/;

export function parseCondition(text: string): Condition | undefined {
  const match = CONDITION_PATTERN.exec(text);
  if (!match) return undefined;
  const value = Number(match[2]);
  if (!Number.isFinite(value)) return undefined;
  return { op: match[1] as Comparison, value };
}

export const formatCondition = (condition: Condition): string => `${condition.op} ${condition.value}`;

export function meets(value: number, condition: Condition): boolean {
  switch (condition.op) {
    case '<':
      return value < condition.value;
    case '<=':
      return value <= condition.value;
    case '>':
      return value > condition.value;
    case '>=':
      return value >= condition.value;
    case '==':
      return value === condition.value;
    case '!=':
      return value !== condition.value;
  }
}

/**
 * One reading against a metric's conditions. The fail condition is looked at
 * first (a value that meets both is a fail). Without a fail condition, a
 * value that misses the pass condition fails; with one, a value meeting
 * neither is inconclusive.
 */
export function judge(reading: MetricReading, pass: Condition, fail: Condition | undefined): AnalysisMeasurement {
  if (!reading.ok) return { phase: 'inconclusive', value: null, reason: reading.reason };
  const { value } = reading;
  const detail = reading.detail === undefined ? '' : ` (${reading.detail})`;
  if (!Number.isFinite(value)) return { phase: 'inconclusive', value: null, reason: `no number: ${value}${detail}` };
  const shown = formatNumber(value);
  if (fail !== undefined && meets(value, fail))
    return { phase: 'fail', value, reason: `${shown} ${formatCondition(fail)}${detail}` };
  if (meets(value, pass)) return { phase: 'pass', value, reason: `${shown} ${formatCondition(pass)}${detail}` };
  if (fail === undefined) return { phase: 'fail', value, reason: `${shown}, not ${formatCondition(pass)}${detail}` };
  return {
    phase: 'inconclusive',
    value,
    reason: `${shown} meets neither ${formatCondition(pass)} nor ${formatCondition(fail)}${detail}`,
  };
}

export interface Tally {
  pass: number;
  fail: number;
  inconclusive: number;
}

export const emptyTally = (): Tally => ({ pass: 0, fail: 0, inconclusive: 0 });

export function tally(measurements: readonly AnalysisMeasurement[]): Tally {
  const counts = emptyTally();
  for (const measurement of measurements) counts[measurement.phase] += 1;
  return counts;
}

/**
 * A metric fails when its fail measurements exceed `failureLimit`, else it is
 * inconclusive when its inconclusive ones exceed `inconclusiveLimit`, else it
 * passes.
 */
export function metricVerdict(
  counts: Tally,
  limits: { failureLimit: number; inconclusiveLimit: number },
): AnalysisPhase {
  if (counts.fail > limits.failureLimit) return 'fail';
  if (counts.inconclusive > limits.inconclusiveLimit) return 'inconclusive';
  return 'pass';
}

const RANK: Record<AnalysisPhase, number> = { pass: 0, inconclusive: 1, fail: 2 };

/** The analysis is the worst of its metrics; no metric at all is a pass. */
export function worstOf(phases: Iterable<AnalysisPhase>): AnalysisPhase {
  let worst: AnalysisPhase = 'pass';
  for (const phase of phases) if (RANK[phase] > RANK[worst]) worst = phase;
  return worst;
}

/** Short and stable for logs and the TUI: 0.0123, 412, 1.5e-7. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}
