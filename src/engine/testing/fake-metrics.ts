/** Metric providers for engine tests: readings scripted per metric source and per read, scopes recorded. */
import type { MetricReading } from '../../core/analysis.js';
import type { MetricSource } from '../../spec/model.js';
import type { AnalysisScope, MetricProviders } from '../ports.js';

export type ScriptedRead = (source: MetricSource, scope: AnalysisScope, read: number) => MetricReading;

export interface FakeMetrics extends MetricProviders {
  /** Every window opened, in order: which batch, which hosts, which baseline. */
  opened: Array<{ source: MetricSource; scope: AnalysisScope }>;
  reads: number;
}

export function fakeMetrics(script: ScriptedRead): FakeMetrics {
  const fake: FakeMetrics = {
    opened: [],
    reads: 0,
    open(source, scope) {
      fake.opened.push({ source, scope });
      let read = 0;
      return Promise.resolve({
        read: () => {
          fake.reads += 1;
          return Promise.resolve(script(source, scope, ++read));
        },
      });
    },
  };
  return fake;
}

/** For scenarios without an analysis: any use is a bug in the engine. */
export const noMetrics: MetricProviders = {
  open: () => Promise.reject(new Error('this plan has no analysis: no metric may be read')),
};
