/**
 * Is `.lieutenant/` what Lieutenant wrote? Something else on disk — a file
 * where a folder belongs, a folder or a FIFO where a journal belongs, a lock
 * file that is not a lock — is bad input: the command says what is wrong and
 * how to fix it, before it reads or changes anything (never a stack trace,
 * and never a FIFO read that blocks forever).
 */
import { readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { ok, type Result } from '../../core/result.js';
import { JOURNAL_SUFFIX, STATE_FOLDERS, locksDir, runsDir, stateDir } from './layout.js';
import { readLockFile } from '../lock/lock-file.js';

export interface StateProblem {
  path: string;
  /** What is wrong, naming the path. */
  message: string;
  /** How to fix it. */
  fix: string;
}

/** undefined: nothing there. Follows symlinks: a link to the right kind of thing is fine. */
async function kindOf(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function kindName(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'a file';
}

const problem = (path: string, message: string, fix: string): Result<never, StateProblem> => ({
  ok: false,
  error: { path, message, fix },
});

/** Checks the layout and every journal and lock in it; the first problem found. */
export async function checkState(repoDir: string): Promise<Result<void, StateProblem>> {
  const root = stateDir(repoDir);
  const rootKind = await kindOf(root);
  if (rootKind === undefined) return ok(undefined);
  if (!rootKind.isDirectory()) {
    return problem(
      root,
      `${root} is ${kindName(rootKind)}, not the directory where Lieutenant keeps its runs, locks and logs`,
      `move it away (mv ${root} ${root}.old); Lieutenant makes the directory again`,
    );
  }
  for (const folder of STATE_FOLDERS) {
    const path = join(root, folder);
    const kind = await kindOf(path);
    if (kind !== undefined && !kind.isDirectory()) {
      return problem(
        path,
        `${path} is ${kindName(kind)}, not a directory`,
        `move it away (mv ${path} ${path}.old); Lieutenant makes the directory again`,
      );
    }
  }
  const journals = await namesIn(runsDir(repoDir), JOURNAL_SUFFIX);
  for (const name of journals) {
    const path = join(runsDir(repoDir), name);
    const kind = await kindOf(path);
    if (kind !== undefined && !kind.isFile()) {
      return problem(
        path,
        `the run journal ${path} is ${kindName(kind)}, not a file Lieutenant wrote`,
        `move it out of ${runsDir(repoDir)} (mv ${path} ${root}/)`,
      );
    }
  }
  for (const name of await namesIn(locksDir(repoDir), '.lock')) {
    const path = join(locksDir(repoDir), name);
    const read = await readLockFile(path);
    if (read.kind === 'unreadable') {
      return problem(
        path,
        `the lock file ${path} is not a lock Lieutenant wrote (${read.reason})`,
        `if no run is active in ${name.slice(0, -'.lock'.length)}, remove it (rm -r ${path})`,
      );
    }
  }
  return ok(undefined);
}

async function namesIn(dir: string, suffix: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith(suffix) && !name.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
