/**
 * The `prometheus` metric provider: one instant query over HTTP
 * (`GET /api/v1/query`) per measurement, bounded by the metric's timeout.
 * A single sample or a scalar is the value; no sample, several, NaN, an
 * error or a timeout are readings without a number (inconclusive).
 */
import type { AnalysisScope, MetricReading, MetricWindow } from '../../engine/index.js';
import type { MetricSource } from '../../spec/model.js';
import { withTimeout } from '../../core/abort.js';
import { renderQuery } from '../../spec/query-templates.js';

export type Fetch = typeof fetch;

export function openPrometheusWindow(
  source: Extract<MetricSource, { kind: 'prometheus' }>,
  scope: AnalysisScope,
  fetchImpl: Fetch = fetch,
): MetricWindow {
  const query = renderQuery(source.query, {
    addresses: scope.hosts.map((host) => host.address),
    hosts: scope.hosts.map((host) => host.host),
    group: scope.group,
  });
  const url = `${source.url.replace(/\/+$/, '')}/api/v1/query?${new URLSearchParams({ query }).toString()}`;
  return { read: (signal) => instantQuery(url, source.timeoutMs, signal, fetchImpl) };
}

async function instantQuery(
  url: string,
  timeoutMs: number,
  signal: AbortSignal,
  fetchImpl: Fetch,
): Promise<MetricReading> {
  const bounded = withTimeout(signal, timeoutMs);
  try {
    const response = await fetchImpl(url, {
      headers: { accept: 'application/json', 'user-agent': 'lieutenant-analysis' },
      signal: bounded.signal,
    });
    const text = await response.text();
    const body = parseJson(text);
    if (!response.ok) {
      const error = errorOf(body);
      return { ok: false, reason: `Prometheus answered ${response.status}${error ? `: ${error}` : ''}` };
    }
    return readingFromAnswer(body);
  } catch (error) {
    if (bounded.timedOut()) return { ok: false, reason: `Prometheus did not answer within ${timeoutMs} ms` };
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      ok: false,
      reason: `Prometheus unreachable (${error instanceof Error ? error.message : String(error)}${cause})`,
    };
  } finally {
    bounded.dispose();
  }
}

/** The JSON of /api/v1/query → a reading. */
export function readingFromAnswer(body: unknown): MetricReading {
  if (!isRecord(body)) return { ok: false, reason: 'Prometheus answered something other than JSON' };
  if (body['status'] !== 'success') return { ok: false, reason: `query failed: ${errorOf(body) ?? 'no reason given'}` };
  const data = body['data'];
  if (!isRecord(data)) return { ok: false, reason: 'Prometheus answered without data' };
  const { resultType, result } = data;
  if (resultType === 'scalar') return sampleValue(result, 'scalar');
  if (resultType !== 'vector')
    return {
      ok: false,
      reason: `the query gives a ${String(resultType)}, not one sample: use an instant vector or scalar`,
    };
  if (!Array.isArray(result)) return { ok: false, reason: 'Prometheus answered a vector without samples' };
  if (result.length === 0) return { ok: false, reason: 'no data: the query matched no series' };
  if (result.length > 1)
    return { ok: false, reason: `${result.length} samples, not one: aggregate the query (sum, max, …)` };
  const [sample] = result as unknown[];
  return sampleValue(isRecord(sample) ? sample['value'] : undefined, 'sample');
}

function sampleValue(pair: unknown, what: string): MetricReading {
  if (!Array.isArray(pair) || typeof pair[1] !== 'string') return { ok: false, reason: `a ${what} without a value` };
  const value = Number(pair[1]);
  // Prometheus writes NaN and ±Inf as strings: no number to judge (e.g. a quantile over no requests).
  if (!Number.isFinite(value)) return { ok: false, reason: `no number: ${pair[1]} (no requests in the window?)` };
  return { ok: true, value };
}

function errorOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const error = body['error'];
  return typeof error === 'string' ? error : undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
