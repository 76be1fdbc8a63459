/**
 * A validated rollout, normalised: the playbook joined with its inventory,
 * durations in milliseconds, shares as `Quantity`, only the targeted groups.
 * This — never raw YAML — is what the planner and the engine read.
 */
import type { ApprovalRules } from '../core/approvals.js';
import type { Condition } from '../core/analysis.js';
import type { Quantity } from './quantity.js';
import type { PackageManagerKind } from './schema.js';

export interface SpecSource {
  /** The rollout repo's top folder (relative paths in specs are resolved against it). */
  repoDir: string;
  /** author: the commit author's e-mail, which `approvals.distinctFromAuthor` keeps from approving. */
  commit: { sha: string; subject: string; author?: string };
  playbookPath: string; // relative to repoDir, e.g. playbooks/web.yaml
  inventoryPath: string;
}

export interface SshSettings {
  user: string;
  port: number;
  /** Absolute path, or undefined to use ssh-agent. */
  identityFile: string | undefined;
  /** Absolute path. */
  knownHosts: string;
  hostKeyPolicy: 'strict' | 'accept-new';
  become: 'none' | 'sudo';
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  keepaliveIntervalMs: number;
  /** SSH handshakes in progress at once, across every host and jump host. */
  maxHandshakes: number;
  /** OpenSSH ProxyJump as written (`[user@]host[:port],…` or `none`); undefined: ~/.ssh/config decides. */
  proxyJump?: string;
}

/** What a group or a host sets for itself over the environment's `ssh` block. */
export interface SshOverrides {
  user?: string;
  port?: number;
  /** Absolute path. */
  identityFile?: string;
  become?: 'none' | 'sudo';
  /** As written: `[user@]host[:port],…` or `none`. */
  proxyJump?: string;
  connectTimeoutMs?: number;
}

/** A host's own SSH settings, each with where it was written (the host's `ssh` or its group's). */
export interface HostSsh {
  settings: SshOverrides;
  from: Partial<Record<keyof SshOverrides, 'host' | 'group'>>;
}

/** The SSH login of a load balancer's host (`ssh://[user@]host[:port]/path`); what is not written comes from ~/.ssh/config and the inventory. */
export interface SshHostRef {
  host: string;
  port?: number;
  user?: string;
}

export interface HaproxyTarget {
  name: string;
  type: 'haproxy';
  /** `{ path }` for a unix socket here, `{ host, port }` for tcp://, `{ ssh, path }` for the socket on an SSH host. */
  endpoint: { path: string } | { host: string; port: number } | { ssh: SshHostRef; path: string };
  backend: string;
  /** Runtime-API connections open at once, for the whole run. */
  maxConnections: number;
}

export interface HostTarget {
  name: string;
  address: string;
  group: string;
  /** Server name in every load balancer of the group. */
  lbServer: string;
  /** SSH settings of the host or its group over the environment's; absent when neither sets any. */
  ssh?: HostSsh;
}

export type HealthCheckTarget =
  | { kind: 'http'; url: string; status: number; bodyContains: string | undefined; timeoutMs: number }
  | { kind: 'tcp'; port: number; timeoutMs: number }
  | { kind: 'command'; argv: string[]; exitCode: number; stdoutContains: string | undefined; timeoutMs: number };

/** One step: an argv list, templates unrendered (resolved per host and run by `renderTemplate`). */
export interface StepTarget {
  argv: string[];
  timeoutMs: number;
  /** Through sudo -n. */
  become: boolean;
}

/** Where in a host's pipeline its steps run: see docs/rollout-repo.md, "Steps". */
export type HostStepPoint = 'beforeDrain' | 'afterDrain' | 'afterInstall' | 'afterReturn';
export type HostSteps = Record<HostStepPoint, StepTarget[]>;

/** A run-level step: on one host, once per run. */
export interface RunStepTarget extends StepTarget {
  host: HostTarget;
  /** The versions the playbook sets for the host's group ({{packages.NAME}}); empty when it sets none. */
  packages: Record<string, string>;
  /** after: also when the run did not succeed. */
  always: boolean;
}

export interface RunSteps {
  before: RunStepTarget[];
  after: RunStepTarget[];
}

export interface GroupTarget {
  name: string;
  packageManager: PackageManagerKind;
  /** Names into `Rollout.loadBalancers`. */
  loadBalancers: string[];
  hosts: HostTarget[]; // inventory order
  /** Unrendered: templates are resolved per host by `renderTemplate`. */
  checks: HealthCheckTarget[];
  /** Desired versions, package → version. */
  packages: Record<string, string>;
  /** Commands at fixed points of each host's pipeline. */
  steps: HostSteps;
}

export type PausePolicy = { kind: 'none' } | { kind: 'approve' } | { kind: 'timed'; ms: number };

export interface StrategySettings {
  batches: Quantity[];
  concurrency: number;
  maxUnavailable: Quantity;
  pause: PausePolicy;
  onFailure: 'rollback' | 'halt';
}

/** A time of the week: 0 Monday … 6 Sunday, minutes after midnight. */
export interface WeekTime {
  day: number;
  minute: number;
}

/** A freeze window of the inventory (see freeze.ts): no rollout starts inside it. */
export type FreezeWindow = {
  reason: string;
  timeZone: string;
  /** A rollback to the deployed commit may start inside it. */
  allowRollback: boolean;
  /** As written, for messages: `Fri 16:00 - Mon 08:00 Europe/Berlin`. */
  label: string;
} & ({ kind: 'weekly'; start: WeekTime; end: WeekTime } | { kind: 'dates'; startMs: number; endMs: number });
export type HaproxyMeasure = 'http5xxRate' | 'responseTimeMs' | 'connectionErrors';

/** Where a metric's numbers come from. Prometheus queries stay unrendered: their templates name the batch. */
export type MetricSource =
  | { kind: 'haproxy'; measure: HaproxyMeasure; minRequests: number; baseline: boolean }
  | { kind: 'prometheus'; url: string; query: string; timeoutMs: number };

export interface MetricSettings {
  name: string;
  source: MetricSource;
  pass: Condition;
  /** Without one, a value that misses `pass` fails. */
  fail: Condition | undefined;
  failureLimit: number;
  inconclusiveLimit: number;
}

export interface AnalysisSettings {
  intervalMs: number;
  count: number;
  onInconclusive: 'pause' | 'fail' | 'pass';
  metrics: MetricSettings[];
}

export type NotifyOn =
  | 'gate.waiting'
  | 'analysis.inconclusive'
  | 'analysis.failed'
  | 'run.succeeded'
  | 'run.failed'
  | 'run.aborted'
  /** Sent by a watcher under manual sync, not by a run. */
  | 'sync.pending';

/** A webhook as the inventory names it; the URL itself is read only when a run starts (it may be a secret). */
export interface WebhookTarget {
  url: { kind: 'literal'; url: string } | { kind: 'env'; name: string } | { kind: 'file'; path: string };
  format: 'json' | 'slack';
  on: NotifyOn[];
}

export type { ApprovalRules };

export interface Rollout {
  source: SpecSource;
  rollout: string;
  environment: string;
  ssh: SshSettings;
  loadBalancers: Record<string, HaproxyTarget>;
  groups: GroupTarget[]; // targets order
  strategy: StrategySettings;
  health: { intervalMs: number; timeoutMs: number; successThreshold: number };
  drain: { timeoutMs: number };
  /** The inventory's freeze windows. */
  freeze: FreezeWindow[];
  /** Metric analysis after each batch, when the playbook asks for one. */
  analysis: AnalysisSettings | undefined;
  /** The environment's webhooks (inventory `notifications`). */
  notifications: WebhookTarget[];
  /** The inventory's `approvals`. */
  approvals: ApprovalRules;
  /** Commands once per run, before the first batch and after the last. */
  runSteps: RunSteps;
}
