/**
 * Cordons: "leave this alone" with a reason, an owner and an expiry, for a
 * host, a group or a whole environment. Kept in the rollout repo and shared
 * through its remote so every clone and watcher sees the same ones:
 *
 *   refs/lieutenant/cordons/<env>   a commit whose message is the JSON list (CordonBook),
 *                                   its parent the list before: the history of every change
 *
 * A change is made on the remote's latest list and pushed as a fast-forward;
 * a clone that raced another fetches again and reapplies its change, so no
 * cordon is lost to a concurrent one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { fail, ok, type Result } from '../../core/result.js';
import { gitAt, identityFallback } from '../git/git.js';

const CORDON_PREFIX = 'refs/lieutenant/cordons';
const cordonRef = (environment: string): string => `${CORDON_PREFIX}/${environment}`;
/** Tries against a remote that keeps moving under us before giving up. */
const ATTEMPTS = 5;

export const Cordon = z.object({
  /** A host, a group, or the environment itself. */
  target: z.string(),
  kind: z.enum(['host', 'group', 'environment']),
  reason: z.string(),
  by: z.string(),
  /** ISO 8601. */
  since: z.string(),
  /** ISO 8601; absent: until uncordoned. */
  until: z.string().optional(),
});
export type Cordon = z.infer<typeof Cordon>;

const CordonBook = z.object({ environment: z.string(), cordons: z.array(Cordon) });

/** In force at `now`: not yet expired. */
export const inForce = (cordon: Cordon, now: number): boolean =>
  cordon.until === undefined || Date.parse(cordon.until) > now;

/** The environment's cordons in force at `now`, as this clone last fetched or wrote them. */
export async function readCordons(repoDir: string, environment: string, now: number): Promise<Cordon[]> {
  const book = await readBook(repoDir, cordonRef(environment));
  return (book?.cordons ?? []).filter((cordon) => inForce(cordon, now));
}

/** Brings the remote's cordons here, replacing ours (the remote is the shared truth). */
export async function fetchCordons(repoDir: string, remote: string, signal?: AbortSignal): Promise<Result<void>> {
  try {
    const refspec = `+${CORDON_PREFIX}/*:${CORDON_PREFIX}/*`;
    await gitAt(repoDir, signal).raw(['fetch', '--quiet', '--no-tags', '--prune', remote, refspec]);
    return ok(undefined);
  } catch (error) {
    return fail(`git fetch ${remote} (cordons) failed`, error instanceof Error ? error.message : String(error));
  }
}

/**
 * Applies `change` to the environment's list (expired cordons dropped) and
 * records it — on `remote` when given, fetched first and pushed after as a
 * fast-forward, retried when another clone moved it meanwhile.
 */
export async function changeCordons(
  repoDir: string,
  environment: string,
  remote: string | undefined,
  now: number,
  change: (cordons: Cordon[]) => Cordon[],
): Promise<Result<Cordon[]>> {
  const ref = cordonRef(environment);
  const git = gitAt(repoDir);
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (remote !== undefined) {
      const fetched = await fetchCordons(repoDir, remote);
      if (!fetched.ok) return fetched;
    }
    const parent = (await git.raw(['for-each-ref', '--format=%(objectname)', ref])).trim() || undefined;
    const current = (await readBook(repoDir, ref))?.cordons.filter((c) => inForce(c, now)) ?? [];
    const next = change(current);
    await writeBook(repoDir, ref, { environment, cordons: next }, parent);
    if (remote === undefined) return ok(next);
    try {
      await git.raw(['push', '--quiet', remote, `${ref}:${ref}`]);
      return ok(next);
    } catch (error) {
      if (attempt === ATTEMPTS)
        return fail(`git push ${remote} (cordons) failed`, error instanceof Error ? error.message : String(error));
    }
  }
  return fail(`git push ${remote ?? ''} (cordons) kept being refused`);
}

async function readBook(repoDir: string, ref: string): Promise<z.infer<typeof CordonBook> | undefined> {
  try {
    const raw = await gitAt(repoDir).raw(['cat-file', 'commit', ref]);
    const parsed = CordonBook.safeParse(JSON.parse(raw.slice(raw.indexOf('\n\n') + 2)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // none yet, or not ours to trust
  }
}

async function writeBook(repoDir: string, ref: string, book: object, parent: string | undefined): Promise<void> {
  const git = gitAt(repoDir);
  const [identity, scratch] = await Promise.all([identityFallback(git), mkdtemp(join(tmpdir(), 'lieutenant-cordon-'))]);
  try {
    const file = join(scratch, 'cordons.json');
    await writeFile(file, `${JSON.stringify(book, null, 2)}\n`);
    const tree = (await git.raw(['hash-object', '-w', '-t', 'tree', '/dev/null'])).trim();
    const sha = (
      await git.raw([...identity, 'commit-tree', tree, ...(parent ? ['-p', parent] : []), '-F', file])
    ).trim();
    await git.raw(['update-ref', '-m', 'lieutenant cordon', ref, sha]);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Which cordon keeps `host` (of `group`) out of runs, if any: the host's own first, then its group's, then the environment's. */
export function cordonOf(cordons: readonly Cordon[], host: string, group: string): Cordon | undefined {
  return (
    cordons.find((c) => c.kind === 'host' && c.target === host) ??
    cordons.find((c) => c.kind === 'group' && c.target === group) ??
    cordons.find((c) => c.kind === 'environment')
  );
}
