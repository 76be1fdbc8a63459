/**
 * The metric providers behind the engine's `MetricProviders` port: HAProxy
 * counters (through the run's shared runtime-API clients) and Prometheus
 * instant queries.
 */
import type { MetricProviders } from '../../engine/index.js';
import { openHaproxyWindow, type ReadCounters } from './haproxy-metrics.js';
import { openPrometheusWindow, type Fetch } from './prometheus.js';

export { readingFromAnswer } from './prometheus.js';

export interface MetricProviderDeps {
  /** The run's HAProxy clients' counters (src/adapters/haproxy). */
  readCounters: ReadCounters;
  fetch?: Fetch;
}

export function createMetricProviders(deps: MetricProviderDeps): MetricProviders {
  return {
    open(source, scope, signal) {
      if (source.kind === 'haproxy') return openHaproxyWindow(source, scope, deps.readCounters, signal);
      return Promise.resolve(openPrometheusWindow(source, scope, deps.fetch));
    },
  };
}
