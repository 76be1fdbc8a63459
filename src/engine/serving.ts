/**
 * Which hosts serve traffic, as the load balancers say — not as the run
 * remembers. The maxUnavailable guard counts every server that does not
 * serve, whoever took it out; the run's end checks that every host it was
 * given is serving again.
 */
import { ok, type Result } from '../core/result.js';
import type { GroupPlan, Plan } from '../plan/types.js';
import type { LoadBalancers, ServerStatus } from './ports.js';
import { isUp } from './steps/drain.js';

/** host → why it is not serving ("web-03 DOWN on edge"), for the given groups, on every load balancer of each. */
export async function notServing(
  plan: Plan,
  loadBalancers: LoadBalancers,
  groups: readonly GroupPlan[],
  signal: AbortSignal,
): Promise<Result<Map<string, string>>> {
  const names = [...new Set(groups.flatMap((group) => group.loadBalancers))];
  const read = await Promise.all(
    names.map(async (name) => {
      const target = plan.loadBalancers[name];
      if (!target) throw new Error(`load balancer ${name} missing from the plan`);
      return { name, statuses: await loadBalancers.get(target).statuses(signal) };
    }),
  );
  const failed = read.find((entry) => !entry.statuses.ok);
  if (failed && !failed.statuses.ok) return failed.statuses;
  const byLb = new Map(read.map((entry) => [entry.name, entry.statuses.ok ? entry.statuses.value : new Map()]));
  const out = new Map<string, string>();
  for (const group of groups) {
    for (const host of group.hosts) {
      const why = group.loadBalancers.flatMap((lb) => {
        const status: ServerStatus | undefined = byLb.get(lb)?.get(host.lbServer);
        if (!status) return [`not in ${lb}`];
        return isUp(status) ? [] : [`${status.status} on ${lb}`];
      });
      if (why.length > 0) out.set(host.name, `${host.name} ${why.join(', ')}`);
    }
  }
  return ok(out);
}
