/**
 * The plan: a versioned, serialisable value. `lieutenant plan` prints it,
 * `lieutenant run` executes it; both come from the same pure `planRollout`.
 * It is everything the executor reads — every decision (how many hosts at
 * once, which gate after which batch, timeouts, checks, load balancers) is
 * in it, so what `plan --json` shows is what `run` does.
 */
import type { PackageManagerKind } from '../spec/schema.js';
import type {
  AnalysisSettings,
  ApprovalRules,
  HaproxyTarget,
  HealthCheckTarget,
  HostSsh,
  HostSteps,
  PausePolicy,
  RunSteps,
  StrategySettings,
} from '../spec/model.js';

export const PLAN_VERSION = 2 as const;

/** `repair`: already at the version, but an interrupted install left it unfinished (unpacked, half-configured). */
export type ChangeKind = 'install' | 'upgrade' | 'downgrade' | 'remove' | 'repair' | 'unchanged';

export interface PackageChange {
  name: string;
  /** null when the package is not installed. */
  from: string | null;
  /** null: removed — only a rollback asks it, of a package the release newly installed. */
  to: string | null;
  kind: ChangeKind;
  /** The package's unfinished state on the host before the change (dpkg: unpacked, half-configured…). */
  unsettled?: string;
}

/** Why a host is left alone: a cordon on it, its group or its environment (`lieutenant cordon`). */
export interface CordonNote {
  target: string;
  kind: 'host' | 'group' | 'environment';
  reason: string;
  by: string;
  /** ISO 8601. */
  since: string;
  /** ISO 8601; absent: until uncordoned. */
  until?: string;
}

export interface HostPlan {
  name: string;
  address: string;
  group: string;
  lbServer: string;
  /** The host's or its group's own SSH settings (user, port, key, become…), over the environment's. */
  ssh?: HostSsh;
  /** Per package, from the installed version to this host's target. */
  changes: PackageChange[];
  /** Out of rotation, left there by an interrupted run: it is health-gated and returned even if its versions match. */
  leftOut: boolean;
  /** Already at its target versions and in rotation: left alone, in no batch. */
  converged: boolean;
  /**
   * What the host had before an interrupted run changed it, from that run's
   * journal: a rollback goes back to this, not to what the host shows now.
   */
  before?: Record<string, string | null>;
  /** Cordoned: left alone by this run (in no batch), whatever its versions; still counted against the cap when out. */
  cordoned?: CordonNote;
}

export interface BatchPlan {
  /** 1-based over the whole rollout. */
  index: number;
  group: string;
  /** 1-based within its group, and how many the group has. */
  groupBatch: number;
  groupBatches: number;
  hosts: string[];
  /** Hosts worked on at once: min(concurrency, maxUnavailable left, batch size); 0 when the cap is used up. */
  inFlight: number;
  /** What happens after this batch succeeds: none after the last batch, or with `revert --fast`. */
  gate: PausePolicy;
  /**
   * The metric analysis once the batch is back in rotation, before its gate
   * (Prometheus queries unrendered). Absent: none — no `analysis` in the
   * playbook, `revert --fast`, or a resumed rollback.
   */
  analysis?: AnalysisSettings;
}

export interface GroupPlan {
  name: string;
  packageManager: PackageManagerKind;
  loadBalancers: string[];
  size: number;
  /** Resolved cap on hosts out of rotation at once, counted across the rollout. */
  maxUnavailable: number;
  /** Hosts already out of rotation when planned (an earlier halted run); they count against the cap. */
  alreadyOut: string[];
  /** Hosts in rotation but DOWN by a load balancer's checks when planned; they count against the cap too. */
  notServing: string[];
  /** Health checks of every host of the group, templates unrendered ({{packages.NAME}} is what the host has). */
  checks: HealthCheckTarget[];
  /** Commands at fixed points of each host's pipeline, templates unrendered; absent when the group has none. */
  steps?: HostSteps;
  hosts: HostPlan[];
}

export interface HealthPlan {
  intervalMs: number;
  timeoutMs: number;
  /** Passes in a row each check needs. */
  successThreshold: number;
}

export interface Plan {
  version: typeof PLAN_VERSION;
  rollout: string;
  environment: string;
  /** author: the commit author's e-mail (`approvals.distinctFromAuthor`). */
  commit: { sha: string; subject: string; author?: string };
  /** release: on to the commit's versions; rollback: a resumed rollback, back to the versions hosts had. */
  purpose: 'release' | 'rollback';
  /** As applied: with `revert --fast` the pause is none. */
  strategy: StrategySettings;
  drain: { timeoutMs: number };
  health: HealthPlan;
  /** How long a host waits for a slot held by servers that serve no traffic (DOWN, taken out by someone else). */
  capacity: { waitMs: number };
  /** Who runs commands on the hosts (a host's own `ssh` may differ); preflight checks that sudo works for each. */
  access: { user: string; become: 'none' | 'sudo' };
  /** Every load balancer a planned group sits behind, by name. */
  loadBalancers: Record<string, HaproxyTarget>;
  groups: GroupPlan[];
  batches: BatchPlan[];
  /** Things the operator should know that do not stop the plan. */
  warnings: string[];
  /** Set when the run starts inside a freeze window of the inventory: why it may. */
  freeze?: FreezeAllowance;
  /** Who may answer the gates, and how many must approve (the inventory's `approvals`). */
  approvals: ApprovalRules;
  /** Commands once per run (before the first batch, after the last); absent when the playbook has none. */
  runSteps?: RunSteps;
}

/** Why a run started inside a freeze window: an operator's override (with their reason), or a rollback. */
export interface FreezeAllowance {
  /** The window as written: `Fri 16:00 - Mon 08:00 Europe/Berlin`. */
  window: string;
  windowReason: string;
  /** ISO 8601: when the window ends. */
  until: string;
  allowed: 'override' | 'rollback';
  /** Who started the run. */
  by: string;
  /** The override's `--reason`. */
  reason?: string;
}

/** What the planner needs to know about the fleet (observed, never fetched by it). */
export interface FleetFacts {
  /** host → package → installed version, or null when absent. */
  installed: Record<string, Record<string, string | null>>;
  /** host → package → its unfinished state (dpkg unpacked, half-configured…): at its version, but to be repaired. */
  unsettled?: Record<string, Record<string, string>>;
  /** Hosts currently out of rotation in a load balancer of their group. */
  outOfRotation?: string[];
  /** Hosts in rotation but serving nothing: DOWN by a load balancer's own checks. */
  notServing?: string[];
  /** Hosts an interrupted run left out of rotation: `resume` brings them back. */
  leftOut?: string[];
  /**
   * Per-host targets that replace the committed versions (a resumed rollback
   * puts hosts back on the versions they had).
   */
  targets?: Record<string, Record<string, string | null>>;
  /** Plan only these hosts (a resumed rollback touches only its batch). */
  only?: string[];
  /** host → what it had before an interrupted run changed it (journaled write-ahead). */
  before?: Record<string, Record<string, string | null>>;
  /** host → the cordon that keeps it out of this run. */
  cordoned?: Record<string, CordonNote>;
}

/** Choices of the command, not of the fleet. */
export interface PlanOptions {
  /** `revert --fast`: no pause gates (health gates always hold). */
  skipPauses?: boolean;
  /** A resumed rollback: reaching the plan's targets means the run ends rolled back. */
  purpose?: Plan['purpose'];
}
