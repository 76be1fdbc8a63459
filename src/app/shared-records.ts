/**
 * What every clone and watcher recorded on the rollout repo's remote, brought
 * into this checkout before `status` and `history` read it: deployed refs
 * ahead of ours, run notes (merged), the sync records (pending, requests,
 * watchers — the remote's replace ours) and the sync log (merged). Nothing is
 * pushed. Best effort: a remote that cannot be reached leaves this checkout's
 * records, and the command says so.
 */
import { fetchRunNotes } from '../records/deploy/fetch-deploy-state.js';
import { fetchSyncLog } from '../records/sync/sync-log.js';
import { adoptRemoteDeployed, fetchSyncRefs } from '../records/sync/sync-refs.js';
import { describeIgnored } from '../records/trust/ignored.js';
import { lockRemoteOf } from './shared-run.js';
import { fetchCordons } from '../records/cordons/cordon-store.js';

/** Warnings: the remote could not be read, or a record on it was refused (a deployed ref off the branch). */
export async function fetchSharedRecords(repoDir: string, signal?: AbortSignal): Promise<string[]> {
  const remote = await lockRemoteOf(repoDir);
  if (!remote.ok || remote.value === undefined) return [];
  const from = remote.value;
  const deployed = await adoptRemoteDeployed(repoDir, from);
  if (!deployed.ok) return [unreachable(from, deployed.error.message)];
  const warnings = deployed.value.ignored.map(describeIgnored);
  // Each record on its own: garbage pushed where the notes live does not hide the sync records or the cordons.
  const fetches = [
    () => fetchRunNotes(repoDir, from),
    () => fetchSyncRefs(repoDir, from, signal),
    () => fetchCordons(repoDir, from, signal),
  ];
  for (const step of fetches) {
    const fetched = await step();
    if (!fetched.ok) warnings.push(unreachable(from, fetched.error.message));
  }
  const log = await fetchSyncLog(repoDir, from);
  return log === undefined ? warnings : [...warnings, unreachable(from, log)];
}

const unreachable = (remote: string, why: string) =>
  `could not read the shared records on ${remote} (${why}); showing what this checkout knows`;
