/**
 * What every part of one execution shares, built once by `executePlan`: the
 * plan (what to do), the ports (how), the operator's steering, and the run's
 * own bookkeeping (the cap's slots, why each failed host is out).
 */
import type { BatchPlan, Plan, GroupPlan, HostPlan } from '../plan/types.js';
import type { Availability } from './availability.js';
import type { RotationKeeper } from './rotation-keeper.js';
import type { EngineDeps, RunControl } from './deps.js';
import type { LoadBalancer, Versions } from './ports.js';
import type { Emit } from './emitter.js';

export interface RunEnv {
  plan: Plan;
  deps: EngineDeps;
  control: RunControl;
  emit: Emit;
  availability: Availability;
  /** Keeps the hosts the run took out of rotation out, through load balancer restarts. */
  keeper: RotationKeeper;
  pollMs: number;
  /** Why each host that failed is out of rotation. */
  failures: Map<string, string>;
  /** Hosts this run moved to new versions and did not put back, in the order they finished. */
  changed: string[];
}

export function groupOf(env: RunEnv, name: string): GroupPlan {
  const group = env.plan.groups.find((g) => g.name === name);
  if (!group) throw new Error(`unknown group ${name}`);
  return group;
}

export function hostOf(env: RunEnv, name: string): HostPlan {
  const host = env.plan.groups.flatMap((g) => g.hosts).find((h) => h.name === name);
  if (!host) throw new Error(`unknown host ${name}`);
  return host;
}

/** The load balancers a group sits behind, as the plan names them. */
export function loadBalancersOf(env: RunEnv, group: GroupPlan): LoadBalancer[] {
  return group.loadBalancers.map((name) => {
    const target = env.plan.loadBalancers[name];
    if (!target) throw new Error(`load balancer ${name} missing from the plan`);
    return env.deps.loadBalancers.get(target);
  });
}

/** How many batches `batch` is counted among: a resumed gate's batch belongs to the interrupted run's plan. */
export function batchesOf(env: RunEnv, batch: BatchPlan): number {
  const waiting = env.control.waitingGate;
  return waiting?.batch === batch ? waiting.batches : env.plan.batches.length;
}

/** The plan carries each host's target (the committed versions, or the old ones when a resumed rollback finishes). */
export function wantedVersions(host: HostPlan): Versions {
  return Object.fromEntries(host.changes.map((change) => [change.name, change.to]));
}
