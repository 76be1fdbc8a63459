/**
 * The repository check (not to be confused with the engine's maxUnavailable
 * guard, engine/availability.ts): preflight asks every planned host's
 * repositories for the committed versions — after the fleet has been read and planned. Asking while the
 * fleet is being read hides that round trip (the largest fixed cost the bench
 * measured): this wraps the package managers so an answer fetched early is
 * the answer preflight gets. The check itself is unchanged, and a failed or
 * different question (a resumed rollback's old versions) is asked again.
 */
import pLimit from 'p-limit';
import type { PackageManager, PackageManagers, RemoteShells } from '../engine/index.js';
import type { Result } from '../core/result.js';
import type { Rollout } from '../spec/model.js';

export function prefetchRepositoryCheck(
  rollout: Rollout,
  shells: RemoteShells,
  managers: PackageManagers,
  signal: AbortSignal,
): { packageManagers: PackageManagers; started: Promise<void> } {
  const answers = new Map<string, Promise<Result<void>>>();
  const key = (host: string, wanted: Record<string, string>) =>
    `${host}\n${JSON.stringify(Object.entries(wanted).sort())}`;
  const cached = (manager: PackageManager): PackageManager => ({
    ...manager,
    ensureAvailable: async (shell, wanted, askSignal) => {
      const early = answers.get(key(shell.host, wanted));
      const answer = early ? await early : undefined;
      return answer?.ok ? answer : manager.ensureAvailable(shell, wanted, askSignal);
    },
  });
  const packageManagers = Object.fromEntries(
    Object.entries(managers).map(([kind, manager]) => [kind, cached(manager)]),
  ) as PackageManagers;

  const limit = pLimit(16);
  const started = Promise.all(
    rollout.groups.flatMap((group) =>
      group.hosts.map((host) =>
        limit(async () => {
          const shell = await shells.connect(host, signal); // the pool shares this connection with the fleet read
          if (!shell.ok) return;
          const answer = managers[group.packageManager].ensureAvailable(shell.value, group.packages, signal);
          answers.set(key(host.name, group.packages), answer);
          await answer;
        }),
      ),
    ),
  ).then(
    () => undefined,
    () => undefined, // a question that broke is simply asked again by preflight
  );
  return { packageManagers, started };
}
