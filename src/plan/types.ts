/**
 * The plan: a versioned, serialisable value. `lieutenant plan` prints it,
 * `lieutenant run` executes it; both come from the same pure `planRollout`.
 */
import type { PackageManagerKind } from '../spec/schema.js';
import type { StrategySettings } from '../spec/model.js';

export const PLAN_VERSION = 1 as const;

export type ChangeKind = 'install' | 'upgrade' | 'downgrade' | 'remove' | 'unchanged';

export interface PackageChange {
  name: string;
  /** null when the package is not installed. */
  from: string | null;
  /** null: removed — only a rollback asks it, of a package the release newly installed. */
  to: string | null;
  kind: ChangeKind;
}

export interface HostPlan {
  name: string;
  address: string;
  group: string;
  lbServer: string;
  /** Per package, from the installed version to this host's target. */
  changes: PackageChange[];
  /** Out of rotation, left there by an interrupted run: it is health-gated and returned even if its versions match. */
  leftOut: boolean;
  /** Already at its target versions and in rotation: left alone, in no batch. */
  converged: boolean;
}

export interface BatchPlan {
  /** 1-based over the whole rollout. */
  index: number;
  group: string;
  /** 1-based within its group, and how many the group has. */
  groupBatch: number;
  groupBatches: number;
  hosts: string[];
  /** Hosts worked on at once: min(concurrency, maxUnavailable left, batch size). */
  inFlight: number;
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
  hosts: HostPlan[];
}

export interface Plan {
  version: typeof PLAN_VERSION;
  rollout: string;
  environment: string;
  commit: { sha: string; subject: string };
  strategy: StrategySettings;
  groups: GroupPlan[];
  batches: BatchPlan[];
  /** Things the operator should know that do not stop the plan. */
  warnings: string[];
}

/** What the planner needs to know about the fleet (observed, never fetched by it). */
export interface FleetFacts {
  /** host → package → installed version, or null when absent. */
  installed: Record<string, Record<string, string | null>>;
  /** Hosts currently out of rotation in a load balancer of their group. */
  outOfRotation?: string[];
  /** Hosts an interrupted run left out of rotation: `resume` brings them back. */
  leftOut?: string[];
  /**
   * Per-host targets that replace the committed versions (a resumed rollback
   * puts hosts back on the versions they had).
   */
  targets?: Record<string, Record<string, string | null>>;
  /** Plan only these hosts (a resumed rollback touches only its batch). */
  only?: string[];
}
