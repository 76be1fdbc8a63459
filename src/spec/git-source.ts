/**
 * What runs is what is committed (docs/rollout-repo.md): the specs are read from a Git
 * revision with `git ls-tree` / `git show`, never from the working tree.
 * Uncommitted edits under playbooks/ and inventories/ are only named in a
 * warning, so nobody wonders why their edit did not apply.
 */
import { isUtf8 } from 'node:buffer';
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { ok, type Result } from '../core/result.js';
import { shortSha } from '../core/sha.js';
import { repositoryProblem, resolveCommit, revisionProblem } from './revision.js';
import { printable, specError, type SpecError } from './errors.js';

export const SPEC_FOLDERS = ['playbooks', 'inventories'] as const;

export interface RevisionSnapshot {
  /** Absolute path of the rollout repo. */
  repoDir: string;
  commit: { sha: string; subject: string; author?: string };
  /** Every file under playbooks/ and inventories/ at the revision, path (relative to repoDir) → text. */
  files: ReadonlyMap<string, string>;
  /** What was committed but cannot be read as a spec: links, submodules, text that is not UTF-8. */
  problems: SpecError[];
  warnings: string[];
}

const failWith = (message: string): Result<never, SpecError[]> => ({ ok: false, error: [specError('', message)] });

export async function readRevision(repoDir: string, rev = 'HEAD'): Promise<Result<RevisionSnapshot, SpecError[]>> {
  const dir = resolve(repoDir);
  const notRepo = await repositoryProblem(dir);
  if (notRepo !== undefined) return failWith(notRepo);
  // Independent questions go to git at once (a git process each; simple-git runs up to 8 together).
  const git = simpleGit({ baseDir: await realpath(dir), maxConcurrentProcesses: 8 });
  const badRev = revisionProblem(rev);
  if (badRev !== undefined) return failWith(badRev);
  const [prefix, sha] = await Promise.all([
    git.raw(['rev-parse', '--show-prefix']).then((out) => out.trim()),
    resolveCommit(git, rev),
  ]);
  if (sha === undefined) {
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
  const [[subject = '', author = ''], listing, warnings] = await Promise.all([
    git.raw(['show', '-s', '--format=%s%x00%ae', sha]).then((out) => out.trim().split('\0').map(printable)),
    git.raw(['ls-tree', '-r', '-z', '--full-name', sha, '--', ...SPEC_FOLDERS]),
    uncommittedWarnings(git, prefix, sha),
  ]);
  const entries = listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode = '', type = ''] = line.slice(0, tab).split(' ');
      return { mode, type, fullPath: line.slice(tab + 1), path: line.slice(tab + 1).slice(prefix.length) };
    });
  const problems = entries.flatMap((entry) => {
    const problem = unreadable(entry.mode, entry.type);
    return problem === undefined ? [] : [specError(entry.path, problem)];
  });
  const blobs = entries.filter((entry) => unreadable(entry.mode, entry.type) === undefined);
  const bytes = await Promise.all(blobs.map((entry) => git.showBuffer([`${sha}:${entry.fullPath}`])));
  const files = new Map<string, string>();
  blobs.forEach((entry, index) => {
    const content = bytes[index] ?? Buffer.alloc(0);
    const bad = firstInvalidUtf8(content);
    if (bad >= 0) problems.push(specError(entry.path, notUtf8(content, bad), positionOf(content, bad)));
    files.set(entry.path, content.toString('utf8'));
  });
  return ok({
    repoDir: dir,
    commit: { sha, subject, ...(author === '' ? {} : { author }) },
    files,
    problems,
    warnings: warnings.map(printable),
  });
}

/** Why a tree entry cannot be a spec file: only regular files are read (never what a link points to). */
function unreadable(mode: string, type: string): string | undefined {
  if (mode === '120000')
    return 'committed as a symbolic link, which Lieutenant does not follow: commit the file itself (what runs is what is committed)';
  if (type === 'commit')
    return 'a git submodule, which Lieutenant does not read: commit the files themselves into this repo';
  return undefined;
}

/** Offset of the first byte that is not part of valid UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Buffer): number {
  if (isUtf8(bytes)) return -1;
  // Up to the first bad byte the decoding is exact, so its offset is the byte length before the first U+FFFD
  // that the file did not itself contain (EF BF BD).
  const text = bytes.toString('utf8');
  for (let index = text.indexOf('\uFFFD'); index >= 0; index = text.indexOf('\uFFFD', index + 1)) {
    const offset = Buffer.byteLength(text.slice(0, index));
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
  }
  return 0;
}

function notUtf8(bytes: Buffer, offset: number): string {
  const byte = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
  return `not UTF-8 text (byte 0x${byte}): save the file as UTF-8; nothing in it is read until then`;
}

function positionOf(bytes: Buffer, offset: number): { line: number; col: number } {
  const before = bytes.subarray(0, offset);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  let line = 1;
  for (const byte of before) if (byte === 0x0a) line++;
  return { line, col: before.subarray(lineStart).toString('utf8').length + 1 };
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
    warnings.push(`${path}: uncommitted changes ignored (${how}); using commit ${shortSha(sha)}`);
  }
  return warnings.sort();
}
