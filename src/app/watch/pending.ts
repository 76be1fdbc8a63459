/**
 * What the branch head asks of the fleet, rollout by rollout, measured from
 * what was last deployed — not from the previous poll — so a run that could
 * not start (lock held, fleet unreachable) or a watcher that restarted picks
 * the work up again on the next cycle.
 *
 *   deployed == head                        → nothing
 *   playbook/inventory unchanged since then → nothing
 *   head already tried and it failed        → skip (a person decides)
 *   every change since was reverted         → skip
 *   otherwise                               → run at head
 */
import { changedPlaybooks } from '../../gitops/changes.js';
import { deployedCommit, runRecords } from '../../records/deploy/deployed.js';
import type { RunRecord } from '../../records/deploy/run-record.js';
import type { RepoSpecs } from '../../spec/repo.js';
import { changesCancelled } from './reverted.js';
import { shortSha } from '../../core/sha.js';

export type PendingRollout =
  | { rollout: string; environment: string; action: 'run' }
  | { rollout: string; environment: string; action: 'skip'; reason: string };

export async function pendingRollouts(
  repoDir: string,
  specs: Pick<RepoSpecs, 'playbooks'>,
  headSha: string,
): Promise<PendingRollout[]> {
  const changedSince = new Map<string, Promise<string[]>>();
  const changed = (from: string): Promise<string[]> => {
    const known = changedSince.get(from) ?? changedPlaybooks(repoDir, from, headSha);
    changedSince.set(from, known);
    return known;
  };
  let records: RunRecord[] | undefined;
  const pending: PendingRollout[] = [];
  for (const [rollout, { spec }] of [...specs.playbooks].sort(([a], [b]) => a.localeCompare(b))) {
    const environment = spec.inventory;
    const deployed = await deployedCommit(repoDir, environment, rollout);
    if (deployed === headSha) continue;
    if (deployed !== undefined && !(await changed(deployed)).includes(rollout)) continue;

    records ??= await runRecords(repoDir);
    const tried = records.findLast(
      (r) => r.rollout === rollout && r.environment === environment && r.commit === headSha,
    );
    if (tried) {
      pending.push({
        rollout,
        environment,
        action: 'skip',
        reason: `run ${tried.runId} already tried this commit (${tried.result}); to try again: lieutenant run ${rollout}`,
      });
      continue;
    }
    const paths = [`playbooks/${rollout}.yaml`, `inventories/${environment}.yaml`];
    if (deployed !== undefined && (await changesCancelled(repoDir, deployed, headSha, paths))) {
      pending.push({
        rollout,
        environment,
        action: 'skip',
        reason: `every change since the deployed ${shortSha(deployed)} was reverted`,
      });
      continue;
    }
    pending.push({ rollout, environment, action: 'run' });
  }
  return pending;
}
