/**
 * `lieutenant cordon TARGET` / `uncordon TARGET`: a host, a group or a whole
 * environment left alone by runs, drift alerts and self-heal, with a reason,
 * an owner and an optional expiry — recorded on the rollout repo's remote so
 * every clone and watcher sees it. `cordonsOf` is what the planners read.
 */
import { ok, type Result } from '../core/result.js';
import { operatorName } from '../control/index.js';
import type { CordonNote } from '../plan/types.js';
import { changeCordons, cordonOf, fetchCordons, readCordons, type Cordon } from '../records/cordons/cordon-store.js';
import type { Rollout } from '../spec/model.js';
import { loadRepo } from '../spec/repo.js';
import { didYouMean } from '../spec/suggest.js';
import { badInput, specFailure, type AppFailure } from './failure.js';
import { lockRemoteOf } from './shared-run.js';

export type { Cordon } from '../records/cordons/cordon-store.js';

export interface CordonRequest {
  repoDir: string;
  target: string;
  environment?: string;
  /** `--remote`; default origin when the repo has one. */
  remote?: string;
  now: number;
}

/** The longest a cordon may last: one that outlives everyone's memory of it should be renewed on purpose. */
const MAX_FOR_MS = 30 * 24 * 3_600_000;

/** `90m`, `8h`, `2d`: a cordon's `--for`; undefined when it is not one. */
export function cordonDuration(text: string): number | undefined {
  const match = /^([1-9][0-9]{0,5})(m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
  return ms <= MAX_FOR_MS ? ms : undefined;
}

export async function cordon(
  request: CordonRequest & { reason: string; forMs?: number },
): Promise<Result<{ environment: string; cordon: Cordon; remote?: string }, AppFailure>> {
  if (request.reason.trim() === '')
    return { ok: false, error: badInput('a cordon needs --reason: say why, for the next person') };
  const resolved = await resolveTarget(request);
  if (!resolved.ok) return resolved;
  const { environment, kind, remote } = resolved.value;
  const entry: Cordon = {
    target: request.target,
    kind,
    reason: request.reason.trim(),
    by: await operatorName(request.repoDir),
    since: new Date(request.now).toISOString(),
    ...(request.forMs === undefined ? {} : { until: new Date(request.now + request.forMs).toISOString() }),
  };
  const same = (c: Cordon) => c.kind === kind && c.target === request.target;
  const changed = await changeCordons(request.repoDir, environment, remote, request.now, (cordons) => [
    ...cordons.filter((c) => !same(c)),
    entry,
  ]);
  if (!changed.ok) return { ok: false, error: badInput(changed.error.message, detailOf(changed.error)) };
  return ok({ environment, cordon: entry, ...(remote ? { remote } : {}) });
}

export async function uncordon(
  request: CordonRequest,
): Promise<Result<{ environment: string; removed: Cordon[] }, AppFailure>> {
  const resolved = await resolveTarget(request);
  if (!resolved.ok) return resolved;
  const { environment, kind, remote } = resolved.value;
  let removed: Cordon[] = [];
  const changed = await changeCordons(request.repoDir, environment, remote, request.now, (cordons) => {
    removed = cordons.filter((c) => c.kind === kind && c.target === request.target);
    return cordons.filter((c) => !removed.includes(c));
  });
  if (!changed.ok) return { ok: false, error: badInput(changed.error.message, detailOf(changed.error)) };
  if (removed.length === 0)
    return { ok: false, error: badInput(`${request.target} is not cordoned in ${environment}; nothing changed`) };
  return ok({ environment, removed });
}

/**
 * The cordons that keep hosts of `rollout` out of a run, by host. Read from
 * the remote when there is one (fetched first), else this clone's.
 */
export async function cordonsOf(
  repoDir: string,
  rollout: Rollout,
  now: number,
  options: { fetch?: boolean; signal?: AbortSignal } = {},
): Promise<{ cordoned: Record<string, CordonNote>; warning?: string }> {
  let warning: string | undefined;
  if (options.fetch !== false) {
    const remote = await lockRemoteOf(repoDir);
    if (remote.ok && remote.value !== undefined) {
      const fetched = await fetchCordons(repoDir, remote.value, options.signal);
      if (!fetched.ok)
        warning = `could not read the cordons on ${remote.value} (${fetched.error.message}); using this checkout's`;
    }
  }
  const cordons = await readCordons(repoDir, rollout.environment, now);
  const cordoned: Record<string, CordonNote> = {};
  for (const group of rollout.groups)
    for (const host of group.hosts) {
      const found = cordonOf(cordons, host.name, group.name);
      if (found) cordoned[host.name] = found;
    }
  return warning === undefined ? { cordoned } : { cordoned, warning };
}

/** Brings the remote's cordons here (best effort: a remote out of reach leaves this clone's); a warning when it failed. */
export async function refreshCordons(repoDir: string, signal?: AbortSignal): Promise<string | undefined> {
  const remote = await lockRemoteOf(repoDir);
  if (!remote.ok || remote.value === undefined) return undefined;
  const fetched = await fetchCordons(repoDir, remote.value, signal);
  return fetched.ok
    ? undefined
    : `could not read the cordons on ${remote.value} (${fetched.error.message}); using this checkout's`;
}

/** The environment's cordons in force, as this clone has them (status fetches the remote's first). */
export const listCordons = (repoDir: string, environment: string, now: number): Promise<Cordon[]> =>
  readCordons(repoDir, environment, now);

async function resolveTarget(
  request: CordonRequest,
): Promise<Result<{ environment: string; kind: Cordon['kind']; remote: string | undefined }, AppFailure>> {
  const repo = await loadRepo(request.repoDir);
  if (!repo.ok) return { ok: false, error: specFailure(repo.error) };
  const remote = await lockRemoteOf(request.repoDir, request.remote);
  if (!remote.ok) return remote;
  const environments = [...repo.value.inventories.values()]
    .map((inventory) => inventory.spec)
    .filter((spec) => request.environment === undefined || spec.environment === request.environment);
  if (environments.length === 0) {
    const names = [...repo.value.inventories.values()].map((inventory) => inventory.spec.environment);
    return {
      ok: false,
      error: badInput(`no environment ${request.environment ?? ''}${didYouMean(request.environment ?? '', names)}`),
    };
  }
  const matches = environments.flatMap((spec) => {
    const kinds: Cordon['kind'][] = [];
    if (spec.environment === request.target) kinds.push('environment');
    if (Object.hasOwn(spec.groups, request.target)) kinds.push('group');
    if (Object.values(spec.groups).some((group) => Object.hasOwn(group.hosts, request.target))) kinds.push('host');
    return kinds.map((kind) => ({ environment: spec.environment, kind }));
  });
  const [only, ...more] = matches;
  if (!only) {
    const names = environments.flatMap((spec) => [
      spec.environment,
      ...Object.keys(spec.groups),
      ...Object.values(spec.groups).flatMap((group) => Object.keys(group.hosts)),
    ]);
    return {
      ok: false,
      error: badInput(
        `${request.target} is no host, group or environment of the inventories${didYouMean(request.target, names)}`,
      ),
    };
  }
  if (more.length > 0) {
    const where = matches.map((m) => `${m.kind} in ${m.environment}`).join(', ');
    return { ok: false, error: badInput(`${request.target} is ambiguous (${where}): say which with --env ENV`) };
  }
  return ok({ ...only, remote: remote.value });
}

const detailOf = (error: { detail?: string }): string[] => (error.detail ? [error.detail] : []);
