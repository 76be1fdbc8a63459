/**
 * Every limit the spec format sets, in one place: the schema enforces them,
 * the JSON Schema publishes them, the fuzz tests check that whatever
 * validates normalises inside them, and docs/README state them.
 */
import type { DurationBounds } from './duration.js';

/** Durations, per field (see duration.ts for why nothing exceeds a day). */
export const DURATION_BOUNDS = {
  'ssh.connectTimeout': { min: '1s', max: '10m' },
  'ssh.commandTimeout': { min: '1s', max: '24h' },
  'ssh.keepaliveInterval': { min: '1s', max: '10m' },
  'http.timeout': { min: '100ms', max: '10m' },
  'tcp.timeout': { min: '100ms', max: '10m' },
  'command.timeout': { min: '100ms', max: '1h' },
  'strategy.pause': { min: '1s', max: '24h' },
  'health.interval': { min: '100ms', max: '10m' },
  'health.timeout': { min: '1s', max: '24h' },
  'drain.timeout': { min: '0s', max: '24h' },
  'analysis.interval': { min: '100ms', max: '1h' },
  'prometheus.timeout': { min: '100ms', max: '1m' },
  'step.timeout': { min: '1s', max: '1h' },
} as const satisfies Record<string, DurationBounds>;

/** Whole numbers: [min, max]. */
export const COUNT_BOUNDS = {
  /** A batch written as a count of hosts. */
  batch: [1, 100_000],
  /** How many batch sizes a list may give. */
  batchList: [1, 1_000],
  concurrency: [1, 1_000],
  maxUnavailable: [1, 100_000],
  successThreshold: [1, 100],
  /** Measurements per batch; also the most failureLimit and inconclusiveLimit can tolerate. */
  analysisCount: [1, 1_000],
  metrics: [1, 50],
  minRequests: [0, 1_000_000],
  notifications: [0, 20],
  /** Distinct approvals a gate needs, and people an `approvers` list may name. */
  approvals: [1, 20],
  approvers: [1, 200],
  /** Steps at one point of a host's pipeline, or before / after a run. */
  steps: [0, 20],
} as const satisfies Record<string, readonly [number, number]>;

/** Lengths of written strings, in characters. */
export const LENGTH_BOUNDS = {
  /** Environments, rollouts, groups, hosts, load balancers. */
  name: 64,
  /** An address: a DNS name is at most 253 characters. */
  address: 253,
  packageName: 128,
  packageVersion: 128,
  url: 2_048,
  /** bodyContains, stdoutContains, one argument of a command check. */
  text: 4_096,
  argv: 64,
} as const;
