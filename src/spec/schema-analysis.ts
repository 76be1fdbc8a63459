/**
 * The playbook's `analysis`: the metrics each batch is judged by once back in
 * rotation (HAProxy's own counters, Prometheus queries), their pass/fail
 * conditions and how many measurements may fail or be inconclusive. Part of
 * the one schema (schema.ts re-exports it).
 */
import { z } from 'zod';
import { COUNT_BOUNDS, DURATION_BOUNDS, LENGTH_BOUNDS } from './bounds.js';
import { CONDITION_PATTERN } from '../core/analysis.js';
import { name, duration } from './schema-values.js';

const CONDITION_HINT = 'a comparison and a number: <, <=, >, >=, == or != then e.g. 0.05, as in "< 0.05"';
const Condition = z
  .string({ error: CONDITION_HINT })
  .regex(CONDITION_PATTERN, CONDITION_HINT)
  .meta({ description: 'A comparison and a number, e.g. "< 0.05"; nothing else is evaluated' });

export const HAPROXY_MEASURES = ['http5xxRate', 'responseTimeMs', 'connectionErrors'] as const;

export const HaproxyMetric = z.strictObject({
  measure: z.enum(HAPROXY_MEASURES).meta({
    description:
      'http5xxRate: 5xx / all responses; responseTimeMs: HAProxy rtime; connectionErrors: econ + eresp — ' +
      "of the batch's servers on every load balancer of the group, since the batch returned",
  }),
  minRequests: z
    .number()
    .int('a whole number of responses')
    .min(0, 'a whole number of responses, 0 or more')
    .max(COUNT_BOUNDS.minRequests[1], `at most ${COUNT_BOUNDS.minRequests[1]} responses`)
    .default(20)
    .meta({ description: 'Fewer responses than this in the window is inconclusive, never a pass' }),
});

export const PrometheusMetric = z.strictObject({
  url: z
    .string()
    .regex(/^https?:\/\/[^\s{}]+$/, 'an http:// or https:// URL of the Prometheus server, without templates')
    .max(LENGTH_BOUNDS.url, `a URL of at most ${LENGTH_BOUNDS.url} characters`)
    .meta({ description: 'The Prometheus server; /api/v1/query is asked' }),
  query: z.string().min(1, 'a PromQL query').max(LENGTH_BOUNDS.text, `at most ${LENGTH_BOUNDS.text} characters`).meta({
    description: 'An instant query; templates {{batch.addresses}}, {{batch.hosts}}, {{group}}',
  }),
  timeout: duration(DURATION_BOUNDS['prometheus.timeout'])
    .default('5s')
    .meta({ description: 'For one query; a timeout is inconclusive' }),
});

export const AnalysisMetric = z
  .strictObject({
    name: name('metric'),
    haproxy: HaproxyMetric.optional(),
    prometheus: PrometheusMetric.optional(),
    baseline: z.boolean().default(false).meta({
      description: "haproxy only: the value is the batch's minus that of the group's servers not in the batch",
    }),
    pass: Condition,
    fail: Condition.optional(),
    failureLimit: z
      .number()
      .int()
      .min(0)
      .max(COUNT_BOUNDS.analysisCount[1])
      .default(0)
      .meta({ description: 'Fail measurements tolerated' }),
    inconclusiveLimit: z
      .number()
      .int()
      .min(0)
      .max(COUNT_BOUNDS.analysisCount[1])
      .default(0)
      .meta({ description: 'Inconclusive measurements tolerated' }),
  })
  .superRefine((metric, context) => {
    if ((metric.haproxy === undefined) === (metric.prometheus === undefined))
      context.addIssue({ code: 'custom', message: 'a metric has exactly one of: haproxy, prometheus' });
    if (metric.baseline && metric.haproxy === undefined)
      context.addIssue({
        code: 'custom',
        path: ['baseline'],
        message: 'baseline: true compares HAProxy servers; it needs a haproxy metric',
      });
  })
  .meta({ description: 'One metric: a provider (haproxy or prometheus) and its conditions' });

export const Analysis = z
  .strictObject({
    interval: duration(DURATION_BOUNDS['analysis.interval'])
      .default('1s')
      .meta({ description: 'Between measurements' }),
    count: z
      .number()
      .int('a whole number of measurements')
      .min(1, 'at least 1 measurement')
      .max(COUNT_BOUNDS.analysisCount[1], `at most ${COUNT_BOUNDS.analysisCount[1]} measurements`)
      .default(5)
      .meta({ description: 'Measurements per batch, taken once the batch is back in rotation' }),
    onInconclusive: z
      .enum(['pause', 'fail', 'pass'])
      .default('pause')
      .meta({ description: 'pause: ask a person (even under --yes); fail: as a failed batch; pass: go on' }),
    metrics: z
      .array(AnalysisMetric)
      .min(1, 'at least one metric')
      .max(COUNT_BOUNDS.metrics[1], `at most ${COUNT_BOUNDS.metrics[1]} metrics`),
  })
  .meta({ description: 'Metric analysis after each batch: pass, fail or inconclusive' });
