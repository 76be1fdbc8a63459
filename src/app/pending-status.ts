/**
 * What `status` shows of a pending record — from the commit it names, never
 * from the record: a pending ref is written by whoever can push, so its
 * subject, host count and rollouts could say anything. The record only
 * says which commit a watcher holds; the commit must be on the followed
 * branch, its subject is read from Git, and the hosts to change are counted
 * from the specs at that commit against the versions status just read.
 */
import { commitSubject, gitAt } from '../records/git/git.js';
import { PendingRecord, inspectRecord, pendingRef } from '../records/sync/sync-refs.js';
import { onBranch, type FollowedBranch } from '../records/trust/followed-branch.js';
import { notOnBranch, type IgnoredRecord } from '../records/trust/ignored.js';
import { loadSpec } from './plan-service.js';
import type { PackageManagerKind } from '../spec/schema.js';
import { compareVersions } from '../plan/versions.js';
import type { HostStatus, SyncStatus } from './status-service.js';

/** The pending record of ENVIRONMENT when it names a commit of the branch; else why it was ignored. */
export async function trustedPending(
  repoDir: string,
  branch: FollowedBranch,
  environment: string,
): Promise<{ pending?: PendingRecord; ignored?: IgnoredRecord }> {
  const ref = pendingRef(environment);
  const read = await inspectRecord(repoDir, ref, PendingRecord);
  if (read.kind === 'absent') return {};
  if (read.kind === 'refused') return { ignored: { ref, reason: read.reason } };
  const { record } = read;
  if (record.environment !== environment)
    return { ignored: { ref, commit: record.commit, reason: `it names environment ${record.environment}` } };
  if (!(await onBranch(repoDir, branch, record.commit)))
    return { ignored: { ref, commit: record.commit, reason: notOnBranch(branch.name) } };
  return { pending: record };
}

/** The pending commit as the commit itself says: its subject, and the plan of each rollout of ENV at it. */
export async function pendingAsCommitted(
  repoDir: string,
  pending: PendingRecord,
  rollouts: readonly string[],
  hosts: readonly HostStatus[],
): Promise<NonNullable<SyncStatus['pending']>> {
  const subject = await commitSubject(gitAt(repoDir), pending.commit).catch(() => '');
  const changing = new Set<string>();
  const planned: string[] = [];
  let known = true;
  for (const rollout of rollouts) {
    const loaded = await loadSpec({ repoDir, playbook: rollout, rev: pending.commit });
    if (!loaded.ok) continue; // not a rollout of that commit
    let changes = false;
    for (const group of loaded.value.rollout.groups)
      for (const { name } of group.hosts) {
        const host = hosts.find((h) => h.rollout === rollout && h.host === name);
        if (host === undefined) known = false;
        else if (Object.entries(group.packages).some(([pkg, pin]) => !meets(host, pkg, pin))) {
          changing.add(name);
          changes = true;
        }
      }
    if (changes) planned.push(rollout);
  }
  return {
    commit: pending.commit,
    subject,
    since: pending.since,
    hostsToChange: known ? changing.size : null,
    rollouts: planned,
    ...(pending.supersedes ? { supersedes: pending.supersedes.commit } : {}),
  };
}

function meets(host: HostStatus, pkg: string, pin: string): boolean {
  return meetsPin(host.packageManager, host.installed[pkg] ?? null, pin);
}

/** Whether an installed version is at a pin, as the planner reads it: Debian exactly; RPM by epoch and version, and release only when pinned. */
export function meetsPin(manager: PackageManagerKind, installed: string | null, pin: string): boolean {
  return installed !== null && compareVersions(manager, installed, pin) === 0;
}
