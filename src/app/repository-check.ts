/**
 * The repository check (not to be confused with the engine's maxUnavailable
 * guard, engine/availability.ts): preflight asks every planned host's
 * repositories for the committed versions — after the fleet has been read and
 * planned. Here each host is surveyed once, as early as possible: what it has
 * installed and what its repositories offer, in one remote command
 * (PackageManager.survey). The fleet read (observe) and preflight then get
 * their answers from that survey — one round trip per host before the first
 * drain instead of two, which at 300 hosts is most of the start-up. The check
 * itself is unchanged: a pin the first look does not find, a survey that
 * failed, or a different question (a resumed rollback's old versions) is
 * asked again through the package manager, metadata refresh included.
 */
import pLimit from 'p-limit';
import type { Installed, PackageManager, PackageManagers, RemoteShell, RemoteShells, Survey } from '../engine/index.js';
import { ok, okVoid } from '../core/result.js';
import type { Rollout } from '../spec/model.js';

/** What a host told early: whether every pin is there at first look, and (from a survey) what it has installed. */
interface Early {
  available: boolean;
  installed?: Installed;
}

const asEarly = (survey: Survey): Early => ({ available: survey.missing.length === 0, installed: survey.installed });

const sameNames = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

export function prefetchRepositoryCheck(
  rollout: Rollout,
  shells: RemoteShells,
  managers: PackageManagers,
  signal: AbortSignal,
): { packageManagers: PackageManagers; started: Promise<void> } {
  const surveys = new Map<string, Promise<Early | undefined>>();
  /** Hosts whose survey answered `installed` once: later reads (during the batch) go to the host again. */
  const readOnce = new Set<string>();
  const key = (host: string, wanted: Record<string, string>) =>
    `${host}\n${JSON.stringify(Object.entries(wanted).sort())}`;
  const wantedOf = new Map(rollout.groups.flatMap((group) => group.hosts.map((host) => [host.name, group.packages])));

  /**
   * The one survey of a host for `wanted`, started by whichever asks first (the fleet read or the
   * prefetch); a manager without `survey` is asked the repository question alone, early.
   */
  const surveyOf = (manager: PackageManager, shell: RemoteShell, wanted: Record<string, string>) => {
    const id = key(shell.host, wanted);
    let survey = surveys.get(id);
    if (!survey) {
      survey = manager.survey
        ? manager.survey(shell, wanted, signal).then((answer) => (answer.ok ? asEarly(answer.value) : undefined))
        : manager.ensureAvailable(shell, wanted, signal).then((answer) => ({ available: answer.ok }));
      surveys.set(id, survey);
    }
    return survey;
  };

  const cached = (manager: PackageManager): PackageManager => ({
    ...manager,
    installed: async (shell, names, askSignal) => {
      const wanted = wantedOf.get(shell.host);
      if (wanted && !readOnce.has(shell.host) && sameNames(names, Object.keys(wanted))) {
        readOnce.add(shell.host);
        const survey = await surveyOf(manager, shell, wanted);
        if (survey?.installed) return ok(survey.installed);
      }
      return manager.installed(shell, names, askSignal);
    },
    ensureAvailable: async (shell, wanted, askSignal) => {
      const survey = await surveys.get(key(shell.host, wanted));
      if (survey?.available) return okVoid;
      return manager.ensureAvailable(shell, wanted, askSignal);
    },
  });
  const packageManagers = Object.fromEntries(
    Object.entries(managers).map(([kind, manager]) => [kind, cached(manager)]),
  ) as PackageManagers;

  const limit = pLimit(64); // as observeFleet: the surveys are waiting, not work
  const started = Promise.all(
    rollout.groups.flatMap((group) =>
      group.hosts.map((host) =>
        limit(async () => {
          const shell = await shells.connect(host, signal); // the pool shares this connection with the fleet read
          if (!shell.ok) return;
          await surveyOf(managers[group.packageManager], shell.value, group.packages);
        }),
      ),
    ),
  ).then(
    () => undefined,
    () => undefined, // a question that broke is simply asked again by preflight
  );
  return { packageManagers, started };
}
