/**
 * Before any host leaves rotation: every planned host is reachable (its host
 * key verified), can run privileged commands when the inventory says
 * `become: sudo`, and its repositories have the committed versions. One
 * problem anywhere and nothing is changed anywhere.
 */
import pLimit from 'p-limit';
import type { Plan } from '../plan/types.js';
import type { PackageManagers, RemoteShells } from './ports.js';
import { plannedHosts } from '../plan/planner.js';
import { presentVersions } from '../plan/versions.js';
import { wantedVersions } from './run-env.js';

/** Read-only: `plan` runs it too, so it never shows a plan that `run` would refuse. */
export async function preflight(
  plan: Plan,
  deps: { shells: RemoteShells; packageManagers: PackageManagers },
  signal: AbortSignal,
): Promise<{ problems: string[] }> {
  const limit = pLimit(16);
  const problems: string[] = [];
  const managerOf = new Map(plan.groups.map((group) => [group.name, group.packageManager]));
  await Promise.all(
    plannedHosts(plan).map((host) =>
      limit(async () => {
        const manager = managerOf.get(host.group);
        if (!manager) throw new Error(`planned host ${host.name} in unknown group ${host.group}`);
        const shell = await deps.shells.connect(host, signal);
        if (!shell.ok) {
          problems.push(shell.error.message);
          return;
        }
        const become = host.ssh?.settings.become ?? plan.access.become;
        if (become === 'sudo') {
          // A user without a sudo rule would be found only after its host is drained.
          const sudo = await shell.value.exec(['true'], { privileged: true, signal });
          if (!sudo.ok || sudo.value.code !== 0) {
            const why = sudo.ok ? sudo.value.stderr.trim() || `exit ${sudo.value.code}` : sudo.error.message;
            const user = host.ssh?.settings.user ?? plan.access.user;
            problems.push(`${host.name}: become: sudo, but sudo -n refuses ${user}: ${why}`);
            return;
          }
        }
        // This host's own targets: the committed versions, or the old ones a resumed rollback goes back to.
        const available = await deps.packageManagers[manager].ensureAvailable(
          shell.value,
          presentVersions(wantedVersions(host)),
          signal,
        );
        if (!available.ok) problems.push(available.error.message); // adapters name the host
      }),
    ),
  );
  return { problems: problems.sort() };
}
