/**
 * What changes in the committed versions between two revisions of the
 * rollout repo, per rollout and group: the question a reviewer asks of a pull
 * request before anything touches a host (`lieutenant diff`). Pure: two sets
 * of specs in, the changes out, in the playbooks' and targets' own order.
 */
import type { RepoSpecs } from './repo.js';
import type { PlaybookSpec } from './schema.js';

export interface VersionChange {
  package: string;
  /** null: the group did not set this package before. */
  from: string | null;
  /** null: the group no longer sets it. */
  to: string | null;
}

export interface GroupVersionChanges {
  group: string;
  changes: VersionChange[];
}

export interface RolloutVersionChanges {
  rollout: string;
  /** The environment after the change (before it, for a removed playbook). */
  environment: string;
  /** added / removed: the playbook itself appears or goes; changed: its versions (or its inventory) moved. */
  kind: 'added' | 'removed' | 'changed';
  /** Set when the playbook now targets another inventory. */
  environmentBefore?: string;
  groups: GroupVersionChanges[];
}

type Targets = PlaybookSpec['targets'];

function groupChanges(before: Targets | undefined, after: Targets | undefined): GroupVersionChanges[] {
  const groups = [...new Set([...Object.keys(after ?? {}), ...Object.keys(before ?? {})])];
  return groups.flatMap((group) => {
    const was = before?.[group]?.packages ?? {};
    const now = after?.[group]?.packages ?? {};
    const changes = [...new Set([...Object.keys(now), ...Object.keys(was)])]
      .map((name) => ({ package: name, from: was[name] ?? null, to: now[name] ?? null }))
      .filter((change) => change.from !== change.to);
    return changes.length > 0 ? [{ group, changes }] : [];
  });
}

export function diffVersions(
  before: Pick<RepoSpecs, 'playbooks'>,
  after: Pick<RepoSpecs, 'playbooks'>,
): RolloutVersionChanges[] {
  const names = [...new Set([...after.playbooks.keys(), ...before.playbooks.keys()])];
  return names.flatMap((rollout): RolloutVersionChanges[] => {
    const was = before.playbooks.get(rollout)?.spec;
    const now = after.playbooks.get(rollout)?.spec;
    const groups = groupChanges(was?.targets, now?.targets);
    const kind = !was ? 'added' : !now ? 'removed' : 'changed';
    const moved = was && now && was.inventory !== now.inventory ? { environmentBefore: was.inventory } : {};
    if (kind === 'changed' && groups.length === 0 && !('environmentBefore' in moved)) return [];
    const environment = (now ?? was)?.inventory ?? '';
    return [{ rollout, environment, kind, ...moved, groups }];
  });
}
