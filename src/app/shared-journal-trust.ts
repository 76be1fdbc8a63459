/**
 * The facts a shared journal is judged against (records/trust/journal-check.ts),
 * read from the followed branch: is the run's commit on it, what the
 * playbook at that commit targets, and which versions the playbook ever
 * pinned up to it.
 */
import { gitRun } from '../records/git/git-run.js';
import { onBranch, type FollowedBranch } from '../records/trust/followed-branch.js';
import { journalProblems, journalStart, pinnedVersions } from '../records/trust/journal-check.js';
import { loadRollout } from '../spec/repo.js';

/** Why this shared journal must not be brought in; [] when it may. */
export async function sharedJournalProblems(repoDir: string, branch: FollowedBranch, text: string): Promise<string[]> {
  const start = journalStart(text);
  if (start === undefined) return journalProblems(text, { branch: branch.name, onBranch: false, versions: new Map() });
  const isOn = await onBranch(repoDir, branch, start.commit);
  if (!isOn) return journalProblems(text, { branch: branch.name, onBranch: false, versions: new Map() });
  const loaded = await loadRollout(repoDir, start.rollout, start.commit);
  const history = await gitRun(repoDir, [
    'log',
    '-p',
    '--format=',
    '--end-of-options',
    start.commit,
    '--',
    `playbooks/${start.rollout}.yaml`,
  ]);
  return journalProblems(text, {
    branch: branch.name,
    onBranch: true,
    ...(loaded.ok
      ? {
          rollout: {
            environment: loaded.value.rollout.environment,
            hosts: new Map(loaded.value.rollout.groups.flatMap((g) => g.hosts.map((h) => [h.name, g.name] as const))),
          },
        }
      : {}),
    versions: pinnedVersions(history.code === 0 ? history.stdout : ''),
  });
}
