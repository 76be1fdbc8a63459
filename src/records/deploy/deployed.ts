/**
 * Deployed state, kept in the rollout repo itself:
 *
 *   refs/notes/lieutenant                      a note per applied commit: JSON array of RunRecord
 *   refs/lieutenant/deployed/<env>/<rollout>   the last commit FULLY applied there
 *
 * so `git log --notes=lieutenant` shows what ran, and both travel to the
 * shared remote with `pushDeployState`.
 */
import { gitAt, resolveCommit } from '../git/git.js';
import { DEPLOYED_PREFIX, listNotes, mergeRecords, readNote, writeNote } from './notes.js';
import { parseRunRecords } from './run-record.js';
import type { RunRecord } from './run-record.js';

export { NOTES_REF, DEPLOYED_PREFIX } from './notes.js';
export { pushDeployState } from './push-deploy-state.js';

export function deployedRef(environment: string, rollout: string): string {
  return `${DEPLOYED_PREFIX}/${environment}/${rollout}`;
}

/**
 * Appends the run to the note on its commit (replacing an earlier record of
 * the same run id, so recording twice is harmless) and, when the fleet now
 * matches that commit, moves the deployed ref to it.
 */
export async function recordRun(repoDir: string, record: RunRecord): Promise<void> {
  const git = gitAt(repoDir);
  const [sha, earlier] = await Promise.all([resolveCommit(git, record.commit), readNote(git, record.commit)]);
  if (sha === undefined) throw new Error(`recordRun: ${record.commit} is not a commit of ${repoDir}`);
  await writeNote(git, sha, mergeRecords([record], earlier));
  // Fully applied means every host on it and in rotation: a host left out is not deployed.
  if ((record.result === 'succeeded' || record.result === 'nothing-to-do') && record.hostsOut.length === 0) {
    const ref = deployedRef(record.environment, record.rollout);
    await git.raw(['update-ref', '-m', `lieutenant: run ${record.runId}`, ref, sha]);
  }
}

/** The last commit fully applied to ENV by ROLLOUT, or undefined if none was. */
export async function deployedCommit(
  repoDir: string,
  environment: string,
  rollout: string,
): Promise<string | undefined> {
  return resolveCommit(gitAt(repoDir), deployedRef(environment, rollout));
}

/** Every rollout with a deployed commit in ENV: rollout → SHA. */
export async function deployedCommits(repoDir: string, environment: string): Promise<Map<string, string>> {
  const prefix = `${DEPLOYED_PREFIX}/${environment}/`;
  const out = await gitAt(repoDir).raw(['for-each-ref', '--format=%(refname) %(objectname)', prefix]);
  const found = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [ref, sha] = line.split(' ');
    if (ref !== undefined && sha !== undefined && ref.startsWith(prefix)) found.set(ref.slice(prefix.length), sha);
  }
  return found;
}

/** Every recorded run (optionally of one environment), oldest first. */
export async function runRecords(repoDir: string, filter: { environment?: string } = {}): Promise<RunRecord[]> {
  const git = gitAt(repoDir);
  const blobs = [...(await listNotes(git)).values()];
  const texts = await Promise.all(blobs.map((blob) => git.raw(['cat-file', 'blob', blob])));
  return texts
    .flatMap(parseRunRecords)
    .filter((r) => filter.environment === undefined || r.environment === filter.environment)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
