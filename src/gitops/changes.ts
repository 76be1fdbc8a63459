/**
 * What a new commit asks of the fleet: the rollouts whose playbook changed, or
 * whose inventory did (an inventory change reaches every playbook using it).
 * `watch` runs exactly these, and never one that a later commit reverted.
 */
import { posix } from 'node:path';
import { parse } from 'yaml';
import type { SimpleGit } from 'simple-git';
import { gitAt, resolveCommit } from '../records/git/git.js';

const PLAYBOOK = /^playbooks\/([^/]+)\.yaml$/;
const INVENTORY = /^inventories\/([^/]+)\.yaml$/;

/** Rollout names (sorted) whose playbook differs between the two commits; every playbook when `fromSha` is undefined. */
export async function changedPlaybooks(repoDir: string, fromSha: string | undefined, toSha: string): Promise<string[]> {
  const git = gitAt(repoDir);
  const playbooks = await playbooksAt(git, toSha);
  if (fromSha === undefined) return [...playbooks.keys()].sort();

  const diff = await git.raw([
    'diff',
    '--name-only',
    '--no-renames',
    fromSha,
    toSha,
    '--',
    'playbooks/',
    'inventories/',
  ]);
  const changed = new Set<string>();
  const inventories = new Set<string>();
  for (const path of diff.split('\n')) {
    const playbook = PLAYBOOK.exec(path)?.[1];
    if (playbook !== undefined && playbooks.has(playbook)) changed.add(playbook); // a deleted playbook has nothing to run
    const inventory = INVENTORY.exec(path)?.[1];
    if (inventory !== undefined) inventories.add(inventory);
  }
  if (inventories.size > 0) {
    for (const [rollout, path] of playbooks) {
      if (changed.has(rollout)) continue;
      const inventory = await playbookInventory(git, toSha, path);
      if (inventory !== undefined && inventories.has(inventory)) changed.add(rollout);
    }
  }
  return [...changed].sort();
}

/**
 * True when a commit after `sha` (up to `headSha`) says "This reverts commit
 * <sha>" — and that revert was not itself reverted (which re-applies `sha`).
 */
export async function isReverted(repoDir: string, sha: string, headSha: string): Promise<boolean> {
  const git = gitAt(repoDir);
  const full = await resolveCommit(git, sha);
  if (full === undefined) return false;
  const reverts = await git.raw([
    'log',
    '--format=%H',
    '--fixed-strings',
    `--grep=This reverts commit ${full}`,
    `${full}..${headSha}`,
  ]);
  for (const revert of reverts.split('\n').filter((line) => line !== '')) {
    if (!(await isReverted(repoDir, revert, headSha))) return true;
  }
  return false;
}

/** Rollout name → path of every playbook at `sha`. */
async function playbooksAt(git: SimpleGit, sha: string): Promise<Map<string, string>> {
  const listing = await git.raw(['ls-tree', '--name-only', sha, 'playbooks/']);
  const found = new Map<string, string>();
  for (const path of listing.split('\n')) {
    const rollout = PLAYBOOK.exec(path)?.[1];
    if (rollout !== undefined) found.set(rollout, path);
  }
  return found;
}

/** The playbook's `inventory:` (its environment) at `sha`, or undefined when it cannot be read (validation reports that). */
export async function playbookInventory(git: SimpleGit, sha: string, path: string): Promise<string | undefined> {
  try {
    const doc: unknown = parse(await git.raw(['show', `${sha}:${posix.normalize(path)}`]));
    if (typeof doc === 'object' && doc !== null && 'inventory' in doc && typeof doc.inventory === 'string') {
      return doc.inventory;
    }
  } catch {
    // unreadable YAML: not ours to judge here
  }
  return undefined;
}
