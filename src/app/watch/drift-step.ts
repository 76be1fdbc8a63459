/**
 * The drift half of a cycle: read status, follow drift episodes, alert the
 * ones that last `--drift-alert-after`, and with `--self-heal` run each
 * drifted rollout again at its deployed commit — the state last applied.
 *
 * Healing is for version drift only: a host merely out of rotation may be
 * there on purpose (maintenance), and `lieutenant resume` is the tool for a
 * run that left one out, so that is alerted, not acted on. A deployed commit
 * that was reverted since is never healed back to.
 */
import { ExitCode } from '../../core/exit-codes.js';
import { isReverted } from '../../gitops/changes.js';
import { deployedCommit, deployedRef } from '../../records/deploy/deployed.js';
import { gitAt, isAncestor } from '../../records/git/git.js';
import { describeIgnored, notOnBranch } from '../../records/trust/ignored.js';
import type { CycleConfig, CyclePorts } from './ports.js';
import { driftOf } from './drift.js';
import { createDriftTracker } from './drift-tracker.js';
import type { WatchEventBody } from './events.js';
import { sendAlert } from './notify.js';
import { attemptRun } from './run-step.js';
import { shortSha } from '../../core/sha.js';

export type DriftStep = (headSha: string, signal: AbortSignal) => Promise<number>;

export function createDriftStep(
  config: CycleConfig,
  ports: CyclePorts,
  emit: (event: WatchEventBody) => void,
): DriftStep {
  const tracker = createDriftTracker(config.driftAlertAfterMs);
  /** environment/rollout → due for a heal (alerted, not yet healed). */
  const healDue = new Map<string, { environment: string; rollout: string }>();
  const said = new Set<string>();
  const keyOf = (host: { environment: string; rollout: string }) => `${host.environment}/${host.rollout}`;

  const heal = async (headSha: string, signal: AbortSignal): Promise<number> => {
    let exitCode: number = ExitCode.done;
    for (const [key, { environment, rollout }] of [...healDue].sort(([a], [b]) => a.localeCompare(b))) {
      if (signal.aborted) break;
      const deployed = await deployedCommit(config.repoDir, environment, rollout);
      // Healing runs only a commit of the followed branch's history, whatever the deployed ref says.
      const offBranch = deployed !== undefined && !(await isAncestor(gitAt(config.repoDir), deployed, headSha));
      if (
        deployed === undefined ||
        offBranch ||
        (deployed !== headSha && (await isReverted(config.repoDir, deployed, headSha)))
      ) {
        const reason =
          deployed === undefined
            ? 'nothing was deployed yet, so there is no state to heal back to'
            : offBranch
              ? `${describeIgnored({ ref: deployedRef(environment, rollout), commit: deployed, reason: notOnBranch(config.branch) })}; nothing to heal back to`
              : `the deployed ${shortSha(deployed)} was reverted since; a reverted commit is never re-applied automatically`;
        emit({ type: 'heal.skipped', environment, rollout, reason });
        healDue.delete(key);
        continue;
      }
      const attempt = await attemptRun(
        ports,
        emit,
        { said },
        { rollout, environment, rev: deployed, cause: 'self-heal' },
      );
      if (attempt.kind === 'ran') healDue.delete(key);
      exitCode = Math.max(exitCode, attempt.exitCode);
    }
    return exitCode;
  };

  return async (headSha, signal) => {
    const report = await ports.status(signal);
    if (!report.ok) {
      if (!signal.aborted)
        emit({ type: 'status.failed', message: report.error.message, details: report.error.details });
      return 0;
    }
    const { drifting, checked } = driftOf(report.value);
    const changes = tracker.observe(ports.clock.now(), drifting, checked);
    if (changes.seen.length > 0) emit({ type: 'drift.seen', hosts: changes.seen });
    for (const host of changes.cleared) {
      emit({ type: 'drift.cleared', environment: host.environment, rollout: host.rollout, host: host.host });
    }
    // A rollout still due for a heal stays due only while one of its hosts drifts.
    const stillDrifting = new Set(drifting.filter((host) => host.drift.length > 0).map(keyOf));
    for (const key of healDue.keys()) if (!stillDrifting.has(key)) healDue.delete(key);

    for (const alert of changes.alerts) {
      const since = new Date(alert.since).toISOString();
      emit({ type: 'drift.alerted', environment: alert.environment, since, hosts: alert.hosts });
      await sendAlert(ports.notify, emit, {
        type: 'drift',
        environment: alert.environment,
        since,
        hosts: alert.hosts.map(({ host, rollout, installed, expected, drift, outOfRotation }) => ({
          host,
          rollout,
          installed,
          expected,
          drift,
          outOfRotation,
        })),
      });
      if (config.selfHeal) for (const host of alert.hosts) if (host.drift.length > 0) healDue.set(keyOf(host), host);
    }
    return config.selfHeal && !signal.aborted ? heal(headSha, signal) : 0;
  };
}
