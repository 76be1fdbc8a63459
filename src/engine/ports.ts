/**
 * The outside world, as the engine sees it. Adapters (src/adapters/) implement
 * these; the engine imports only this file, so it runs the same against the
 * real fleet and against recording fakes.
 */
import type { HealthCheckTarget, HostTarget, HaproxyTarget, MetricSource } from '../spec/model.js';
import type { MetricReading } from '../core/analysis.js';
import type { PackageManagerKind } from '../spec/schema.js';
import type { Result } from '../core/result.js';
import type { AdminState, GateAnswer, Installed, Measurement, Versions } from '../core/values.js';
import type { RunEvent } from './events.js';

export type { AdminState, GateAnswer, GateDecision, Installed, Measurement, Versions } from '../core/values.js';
export type { AnalysisMeasurement, AnalysisPhase, MetricReading, Tally } from '../core/analysis.js';

// ------------------------------------------------------------ remote shell

export interface ExecOutput {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Run through `sudo -n` when the inventory says `become: sudo`. */
  privileged?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One connected host. Arguments are quoted by the adapter: never a shell string. */
export interface RemoteShell {
  readonly host: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<Result<ExecOutput>>;
}

/** Opens (and reuses) one connection per host; verifies host keys first. */
export interface RemoteShells {
  connect(host: HostTarget, signal?: AbortSignal): Promise<Result<RemoteShell>>;
  closeAll(): Promise<void>;
}

// --------------------------------------------------------- package manager

export interface PackageManager {
  readonly kind: PackageManagerKind;
  /** Installed version of each package (null when not installed), and which are unsettled. */
  installed(shell: RemoteShell, names: readonly string[], signal?: AbortSignal): Promise<Result<Installed>>;
  /** Fails, naming each one, when the repositories lack a wanted version (checked before any drain). */
  ensureAvailable(shell: RemoteShell, wanted: Record<string, string>, signal?: AbortSignal): Promise<Result<void>>;
  /**
   * What `installed(names of wanted)` and the first look of `ensureAvailable(wanted)`
   * (before any refresh of repository metadata) would say, in one remote
   * command: `missing` are the pins neither offered nor installed. Optional:
   * without it, or when it fails, callers ask the two questions apart.
   */
  survey?(shell: RemoteShell, wanted: Record<string, string>, signal?: AbortSignal): Promise<Result<Survey>>;
  /**
   * Brings packages to exactly these versions (upgrade or downgrade; null:
   * not installed, removed without taking anything that depends on it) and
   * returns what is installed afterwards, verified against `wanted` (an
   * unsettled package does not count as reached: it is repaired first).
   * `before`, when the caller has just read it, saves reading it again.
   */
  install(shell: RemoteShell, wanted: Versions, signal?: AbortSignal, before?: Installed): Promise<Result<Versions>>;
}

export type PackageManagers = Record<PackageManagerKind, PackageManager>;

/** See PackageManager.survey. */
export interface Survey {
  installed: Installed;
  missing: string[];
}

// ----------------------------------------------------------- load balancer

export interface ServerStatus {
  /** As the load balancer reports it: UP, DOWN, DRAIN, MAINT, NOLB, "UP 1/2"… */
  status: string;
  adminState: AdminState;
  /** Current sessions on the server. */
  sessions: number;
}

/** Which process answers: changes when the load balancer restarts (not on a seamless reload of the same pid). */
export interface LoadBalancerInfo {
  pid: number;
  /** When that process started, epoch ms. */
  startedAtMs: number;
  uptimeSec: number;
  version: string;
}

export interface LoadBalancer {
  readonly name: string;
  /** One cheap read (HAProxy: `show info`), to tell a restart mid-run. */
  info(signal?: AbortSignal): Promise<Result<LoadBalancerInfo>>;
  /** Every named server exists in the backend (checked before anything changes). */
  verify(servers: readonly string[], signal?: AbortSignal): Promise<Result<void>>;
  status(server: string, signal?: AbortSignal): Promise<Result<ServerStatus>>;
  /** All servers of the backend, for status and the safety sampler. */
  statuses(signal?: AbortSignal): Promise<Result<Map<string, ServerStatus>>>;
  setState(server: string, state: AdminState, signal?: AbortSignal): Promise<Result<void>>;
}

/**
 * One client per load balancer of the inventory, shared by every host of the
 * run: `get` returns the same one for the same target, and concurrent reads
 * through it may be served by one request to the load balancer.
 */
export interface LoadBalancers {
  get(target: HaproxyTarget): LoadBalancer;
}

// ------------------------------------------------------------ health checks

export interface HealthProbe {
  /** `check` has its templates already rendered for this host. */
  measure(check: HealthCheckTarget, host: HostTarget, shell: RemoteShell, signal?: AbortSignal): Promise<Measurement>;
}

// --------------------------------------------------------- journal, clock

/** Write-ahead: `append` returns once the entry is durable, before the step it announces runs. */
export interface Journal {
  append(event: RunEvent): Promise<void>;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

// ----------------------------------------------------------------- analysis

export interface AnalysisServer {
  host: string;
  address: string;
  /** Its server name in every load balancer of the group. */
  lbServer: string;
}

/** Whose numbers an analysis reads: one batch, the rest of its group, where their traffic passes. */
export interface AnalysisScope {
  batch: number;
  group: string;
  hosts: AnalysisServer[];
  /** The group's hosts not in the batch: the baseline. */
  others: AnalysisServer[];
  loadBalancers: HaproxyTarget[];
}

/** One metric over one batch's analysis: opened when the batch is back in rotation, read once per interval. */
export interface MetricWindow {
  /** Never throws: what could not be read is a reading with a reason (inconclusive). */
  read(signal: AbortSignal): Promise<MetricReading>;
}

/** The metric providers (HAProxy counters, Prometheus queries), by the source a metric names. */
export interface MetricProviders {
  open(source: MetricSource, scope: AnalysisScope, signal: AbortSignal): Promise<MetricWindow>;
}

// --------------------------------------------------------------- pause gate

export interface GateRequest {
  runId: string;
  afterBatch: number;
  batches: number;
  summary: string;
  /**
   * pause: the strategy's pause, which `--yes` may answer. analysis: an
   * inconclusive analysis asks a person — `--yes` must not answer it.
   */
  kind: 'pause' | 'analysis';
  /** Identities whose approvals the gate counted so far, and how many more it needs (`approvals.required`). */
  approvedBy?: readonly string[];
  stillNeeded?: number;
  /** Whether `--yes` may answer: not an analysis, nor a gate whose rules want people (see core/approvals.ts). */
  automatic?: boolean;
}

/** Answers a pause gate: --yes, the TUI's keys, or `lieutenant approve` from another terminal. */
export interface Approver {
  await(request: GateRequest, signal: AbortSignal): Promise<GateAnswer>;
}
