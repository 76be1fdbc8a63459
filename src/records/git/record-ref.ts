/**
 * A record kept as a ref on the shared remote: a commit with an empty tree
 * whose message is the record's JSON, moved only by compare-and-swap pushes.
 * The environment lock and the gate-answer log are such refs; of two clones
 * moving one at once, exactly one wins and the other looks again.
 */
import { hostname } from 'node:os';
import { gitOut, gitRun, pushRejected } from './git-run.js';

/** A commit of `record` as JSON, on `parent` when given (a log), parentless otherwise (a single record). */
export async function recordCommit(repoDir: string, record: unknown, parent?: string): Promise<string> {
  const tree = (await gitOut(repoDir, ['hash-object', '-w', '-t', 'tree', '/dev/null'])).trim();
  // The committer is Lieutenant: who acted is in the record itself.
  const identity = ['-c', 'user.name=Lieutenant', '-c', `user.email=lieutenant@${hostname()}`];
  const parents = parent === undefined ? [] : ['-p', parent];
  return (await gitOut(repoDir, [...identity, 'commit-tree', tree, ...parents], `${JSON.stringify(record)}\n`)).trim();
}

/**
 * Moves `ref` on `remote` from `expected` (none: must not exist) to `to`
 * (none: delete): 'moved' when someone else moved it first; throws when the
 * remote cannot be reached.
 */
export async function casPush(
  repoDir: string,
  remote: string,
  ref: string,
  expected: string | undefined,
  to: string | undefined,
): Promise<'ok' | 'moved'> {
  const run = await gitRun(repoDir, [
    'push',
    '--porcelain',
    `--force-with-lease=${ref}:${expected ?? ''}`,
    '--end-of-options',
    remote,
    `${to ?? ''}:${ref}`,
  ]);
  if (run.code === 0) return 'ok';
  if (pushRejected(run)) return 'moved';
  throw new Error(run.stderr.trim() || `git push ${remote} exited ${run.code}`);
}
