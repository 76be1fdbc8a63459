/**
 * Manual sync state, kept in the rollout repo and shared through its remote
 * like the deployed refs, so `lieutenant sync` works from any clone:
 *
 *   refs/lieutenant/pending/<env>   what the watcher detected and did not run (PendingRecord)
 *   refs/lieutenant/sync/<env>      a person's request to apply it (SyncRequest)
 *   refs/lieutenant/watchers/<env>  the watcher holding ENV, and until when it counts as present
 *
 * Each record is a commit whose message is the JSON and whose tree is empty;
 * pending and request records have the commit they name as parent, so
 * fetching the record also brings that commit to the clone that reads it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { z } from 'zod';
import { fail, ok, type Result } from '../../core/result.js';
import { gitAt, identityFallback } from '../git/git.js';
import { adoptDeployedRefs, type Adoption } from '../trust/deployed-refs.js';
import { screenJson } from '../trust/screen.js';

export const PENDING_PREFIX = 'refs/lieutenant/pending';
export const REQUEST_PREFIX = 'refs/lieutenant/sync';
export const WATCHER_PREFIX = 'refs/lieutenant/watchers';
const SYNC_PREFIXES = [PENDING_PREFIX, REQUEST_PREFIX, WATCHER_PREFIX] as const;

const PackageChange = z.object({ name: z.string(), from: z.string().nullable(), to: z.string().nullable() });
const PendingRollout = z.object({
  rollout: z.string(),
  /** The commit deployed there before; undefined: never deployed. */
  deployed: z.string().optional(),
  hosts: z.array(z.object({ host: z.string(), group: z.string(), changes: z.array(PackageChange) })),
  batches: z.number(),
  /** Why the plan could not be computed (the fleet unreadable…); the commit is pending all the same. */
  problem: z.string().optional(),
});
export const PendingRecord = z.object({
  environment: z.string(),
  commit: z.string(),
  subject: z.string(),
  /** ISO 8601: when the watcher detected it. */
  since: z.string(),
  detectedBy: z.string(),
  rollouts: z.array(PendingRollout),
  /** Hosts whose packages change, over every rollout (null: a plan could not be computed). */
  hostsToChange: z.number().nullable(),
  /** The pending commit this one replaced. */
  supersedes: z.object({ commit: z.string(), subject: z.string() }).optional(),
});
export type PendingRecord = z.infer<typeof PendingRecord>;
export type PendingRolloutPlan = z.infer<typeof PendingRollout>;

export const SyncRequest = z.object({
  environment: z.string(),
  commit: z.string(),
  by: z.string(),
  reason: z.string().optional(),
  /** ISO 8601. */
  at: z.string(),
});
export type SyncRequest = z.infer<typeof SyncRequest>;

export const WatcherPresence = z.object({
  environment: z.string(),
  watcher: z.string(),
  /** ISO 8601: last seen. */
  at: z.string(),
  /** ISO 8601: past this, the watcher counts as gone and `lieutenant sync` runs the commit itself. */
  until: z.string(),
});
export type WatcherPresence = z.infer<typeof WatcherPresence>;

export const pendingRef = (environment: string): string => `${PENDING_PREFIX}/${environment}`;
export const requestRef = (environment: string): string => `${REQUEST_PREFIX}/${environment}`;
export const watcherRef = (environment: string): string => `${WATCHER_PREFIX}/${environment}`;

/** The record at `ref`, or undefined when there is none or it does not validate (a record from elsewhere is not trusted). */
export async function readRecord<T>(repoDir: string, ref: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const read = await inspectRecord(repoDir, ref, schema);
  return read.kind === 'valid' ? read.record : undefined;
}

export type RecordRead<T> = { kind: 'absent' } | { kind: 'valid'; record: T } | { kind: 'refused'; reason: string };

/** The record at `ref`, screened (names are names, text escaped) and parsed; why it was refused when it was. */
export async function inspectRecord<T>(repoDir: string, ref: string, schema: z.ZodType<T>): Promise<RecordRead<T>> {
  const raw = await gitAt(repoDir)
    .raw(['cat-file', 'commit', ref])
    .catch(() => undefined);
  if (raw === undefined || raw === '') return { kind: 'absent' };
  const split = raw.indexOf('\n\n');
  const screened = screenJson(split < 0 ? '' : raw.slice(split + 2), 'its message');
  if (!screened.ok) return { kind: 'refused', reason: screened.reason };
  const parsed = schema.safeParse(screened.value);
  if (parsed.success) return { kind: 'valid', record: parsed.data };
  const issue = parsed.error.issues[0];
  return { kind: 'refused', reason: `${issue?.path.join('.') || 'its fields'}: ${issue?.message ?? 'invalid'}` };
}

/** Writes `record` at `ref` (replacing what was there); `parent` is the commit the record names. */
export async function writeRecord(repoDir: string, ref: string, record: object, parent?: string): Promise<void> {
  const git = gitAt(repoDir);
  const [identity, scratch] = await Promise.all([identityFallback(git), mkdtemp(join(tmpdir(), 'lieutenant-sync-'))]);
  try {
    const file = join(scratch, 'record.json');
    await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
    const tree = (await git.raw(['hash-object', '-w', '-t', 'tree', '/dev/null'])).trim();
    const args = [...identity, 'commit-tree', tree, ...(parent ? ['-p', parent] : []), '-F', file];
    const sha = (await git.raw(args)).trim();
    await git.raw(['update-ref', '-m', 'lieutenant sync', ref, sha]);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function deleteRecord(repoDir: string, ref: string): Promise<void> {
  await gitAt(repoDir)
    .raw(['update-ref', '-d', ref])
    .catch(() => undefined);
}

/** Brings the remote's sync records here, replacing ours (the remote is the shared truth): refs gone there go here too. */
export async function fetchSyncRefs(repoDir: string, remote: string, signal?: AbortSignal): Promise<Result<void>> {
  const refspecs = SYNC_PREFIXES.map((prefix) => `+${prefix}/*:${prefix}/*`);
  try {
    await gitAt(repoDir, signal).raw(['fetch', '--quiet', '--no-tags', '--prune', remote, ...refspecs]);
    return ok(undefined);
  } catch (error) {
    return fail(`git fetch ${remote} (sync records) failed`, error instanceof Error ? error.message : String(error));
  }
}

/** Pushes these refs as they are here: present ones forced, absent ones deleted on the remote. */
export async function pushSyncRefs(repoDir: string, remote: string, refs: readonly string[]): Promise<Result<void>> {
  if (refs.length === 0) return ok(undefined);
  const git = gitAt(repoDir);
  const present = await Promise.all(refs.map((ref) => refExists(git, ref)));
  // Asking the remote what it has costs a round trip: only when there is something to delete.
  const remoteHas = present.every(Boolean) ? new Set<string>() : await remoteRefs(git, remote);
  const refspecs = refs.flatMap((ref, i) => (present[i] ? [`+${ref}:${ref}`] : remoteHas.has(ref) ? [`:${ref}`] : []));
  if (refspecs.length === 0) return ok(undefined);
  try {
    await git.raw(['push', '--quiet', remote, ...refspecs]);
    return ok(undefined);
  } catch (error) {
    return fail(`git push ${remote} (sync records) failed`, error instanceof Error ? error.message : String(error));
  }
}

async function remoteRefs(git: SimpleGit, remote: string): Promise<Set<string>> {
  const out = await git.raw(['ls-remote', remote, `${'refs/lieutenant'}/*`]).catch(() => '');
  return new Set(
    out
      .split('\n')
      .map((line) => line.split('\t')[1]?.trim())
      .filter((ref): ref is string => ref !== undefined && ref !== ''),
  );
}

async function refExists(git: SimpleGit, ref: string): Promise<boolean> {
  const out = await git.raw(['for-each-ref', '--format=%(refname)', ref]).catch(() => '');
  return out.trim() === ref;
}

/**
 * Deployed refs another clone pushed (a direct `lieutenant sync`) that are
 * ahead of ours: taken, so the watcher does not hold as pending what was
 * applied meanwhile. A remote ref behind or beside ours is left alone; one
 * naming a commit off the followed branch is refused and returned as ignored.
 */
export async function adoptRemoteDeployed(
  repoDir: string,
  remote: string,
  options: { branch?: string } = {},
): Promise<Result<Adoption>> {
  return adoptDeployedRefs(repoDir, remote, { policy: 'ahead-only', ...options });
}

/** Present: its record says so until a time not yet past. */
export function isPresent(presence: WatcherPresence | undefined, now: number): presence is WatcherPresence {
  return presence !== undefined && Date.parse(presence.until) > now;
}
