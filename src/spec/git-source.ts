/**
 * What runs is what is committed (docs/rollout-repo.md): the specs are read from a Git
 * revision with `git ls-tree` / `git show`, never from the working tree.
 * Uncommitted edits under playbooks/ and inventories/ are only named in a
 * warning, so nobody wonders why their edit did not apply.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { ok, type Result } from '../core/result.js';
import { specError, type SpecError } from './errors.js';

export const SPEC_FOLDERS = ['playbooks', 'inventories'] as const;

export interface RevisionSnapshot {
  /** Absolute path of the rollout repo. */
  repoDir: string;
  commit: { sha: string; subject: string };
  /** Every file under playbooks/ and inventories/ at the revision, path (relative to repoDir) → text. */
  files: ReadonlyMap<string, string>;
  warnings: string[];
}

const failWith = (message: string): Result<never, SpecError[]> => ({ ok: false, error: [specError('', message)] });

export async function readRevision(repoDir: string, rev = 'HEAD'): Promise<Result<RevisionSnapshot, SpecError[]>> {
  const dir = resolve(repoDir);
  const isDir = await stat(dir).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isDir) return failWith(`rollout repo ${dir}: no such directory (give the rollout repo with --repo DIR)`);
  // Independent questions go to git at once (a git process each; simple-git runs up to 8 together).
  const git = simpleGit({ baseDir: await realpath(dir), maxConcurrentProcesses: 8 });
  const badRev = rev.startsWith('-') || rev.trim() === '';
  const [prefix, sha] = await Promise.all([
    git.raw(['rev-parse', '--show-prefix']).then(
      (out) => out.trim(),
      () => undefined,
    ),
    badRev
      ? ''
      : git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]).then(
          (out) => out.trim(),
          () => '',
        ),
  ]);
  if (prefix === undefined)
    return failWith(
      `rollout repo ${dir}: not a git repository (run "git init" there, or give the rollout repo with --repo DIR)`,
    );
  if (badRev) return failWith(`revision "${rev}": not a commit (give a commit, branch or tag)`);
  if (sha === '') {
    const anyCommit = await git.raw(['rev-list', '-n', '1', '--all']).then(
      (out) => out.trim(),
      () => '',
    );
    if (anyCommit === '')
      return failWith(
        `rollout repo ${dir} has no commits yet: commit playbooks/ and inventories/ first (Lieutenant runs only what is committed)`,
      );
    return failWith(
      `revision "${rev}" is not a commit in ${dir} (try a commit SHA, a branch or a tag; "git log --oneline" lists them)`,
    );
  }
  const [subject, listing, warnings] = await Promise.all([
    git.raw(['show', '-s', '--format=%s', sha]).then((out) => out.trim()),
    git.raw(['ls-tree', '-r', '-z', '--full-name', '--name-only', sha, '--', ...SPEC_FOLDERS]),
    uncommittedWarnings(git, prefix, sha),
  ]);
  const paths = listing.split('\0').filter(Boolean);
  const texts = await Promise.all(paths.map((fullPath) => git.raw(['show', `${sha}:${fullPath}`])));
  const files = new Map(paths.map((fullPath, index) => [fullPath.slice(prefix.length), texts[index] ?? '']));
  return ok({ repoDir: dir, commit: { sha, subject }, files, warnings });
}

const STATES: Record<string, string> = {
  '?': 'untracked',
  M: 'modified',
  A: 'added',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type changed',
  U: 'unmerged',
};

async function uncommittedWarnings(git: SimpleGit, prefix: string, sha: string): Promise<string[]> {
  const status = await git.raw(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...SPEC_FOLDERS]);
  const entries = status.split('\0');
  const warnings: string[] = [];
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index] ?? '';
    if (entry.length < 4) continue;
    const [staged, unstaged] = [entry[0] ?? ' ', entry[1] ?? ' '];
    if (staged === 'R' || staged === 'C') index++; // the original path follows; the new one is named
    const state = [staged, unstaged].filter((code) => code !== ' ').map((code) => STATES[code] ?? code);
    const how = [...new Set(state)].join(', ') + (staged !== ' ' && staged !== '?' ? ', staged but not committed' : '');
    const path = entry.slice(3).slice(prefix.length);
    warnings.push(`${path}: uncommitted changes ignored (${how}); using commit ${sha.slice(0, 7)}`);
  }
  return warnings.sort();
}
