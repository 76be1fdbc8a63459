/** What every part of one execution shares, built once by `executePlan`. */
import type { Plan, GroupPlan, HostPlan } from '../plan/types.js';
import type { Rollout } from '../spec/model.js';
import type { Availability } from './availability.js';
import type { EngineDeps, RunControl } from './deps.js';
import type { Versions } from './ports.js';
import type { Emit } from './emitter.js';
import type { HostContext } from './host-pipeline.js';

export interface RunEnv {
  plan: Plan;
  rollout: Rollout;
  deps: EngineDeps;
  control: RunControl;
  emit: Emit;
  availability: Availability;
  pollMs: number;
  /** Why each host that failed is out of rotation. */
  failures: Map<string, string>;
}

export function hostContext(env: RunEnv, host: HostPlan, stopStarting: AbortSignal): HostContext {
  const group = groupOf(env, host.group);
  return {
    rollout: env.rollout,
    group,
    host,
    deps: env.deps,
    emit: env.emit,
    availability: env.availability,
    force: env.control.force,
    stopStarting,
    pollMs: env.pollMs,
  };
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

/** The plan carries each host's target (the committed versions, or the old ones when a resumed rollback finishes). */
export function wantedVersions(host: HostPlan): Versions {
  return Object.fromEntries(host.changes.map((change) => [change.name, change.to]));
}
