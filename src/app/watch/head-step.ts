/**
 * The commit half of a cycle: read the followed branch's head, validate
 * every spec there, say what happened to each push, and run each rollout the
 * head changed (see pending.ts). An invalid head runs nothing anywhere: the
 * errors are reported once per commit, as `file:line:col` lines and an alert.
 */
import { ExitCode } from '../../core/exit-codes.js';
import { formatSpecError } from '../../spec/errors.js';
import { isReverted } from '../../gitops/changes.js';
import { deployedCommit } from '../../records/deploy/deployed.js';
import { commitSubject, gitAt, isAncestor, resolveCommit } from '../../records/git/git.js';
import type { PushNotice } from './listener/webhook.js';
import { loadRepo, type RepoSpecs } from '../../spec/repo.js';
import type { CycleConfig, CyclePorts, SaidLines } from './ports.js';
import type { WatchEventBody } from './events.js';
import { sendAlert } from './notify.js';
import { pendingRollouts } from './pending.js';
import { attemptRun } from './run-step.js';
import { fetchShared, syncManual, syncPolicyOf } from './sync-step.js';
import { shortSha } from '../../core/sha.js';

export interface HeadState extends SaidLines {
  /** The head the previous cycle saw. */
  lastHead?: string;
}

export type HeadOutcome =
  | { kind: 'no-branch'; exitCode: number }
  | { kind: 'invalid'; sha: string; exitCode: number }
  | { kind: 'applied'; sha: string; exitCode: number };

export async function applyHead(
  config: CycleConfig,
  ports: CyclePorts,
  emit: (event: WatchEventBody) => void,
  state: HeadState,
  arrived: {
    pushes: readonly PushNotice[];
    /** Set when this cycle's fetch moved the branch: where it was ('' when it did not exist). */
    fetchedFrom: string | undefined;
    /** False when the remote could not be followed this cycle: validate, but start no run. */
    runCommits: boolean;
  },
  signal: AbortSignal,
): Promise<HeadOutcome> {
  const { pushes } = arrived;
  const git = gitAt(config.repoDir);
  const head = await resolveCommit(git, `refs/heads/${config.branch}`);
  if (head === undefined) {
    if (sayOnce(state, `no-branch:${config.branch}`))
      emit({
        type: 'fetch.failed',
        remote: config.remote ?? '(local)',
        branch: config.branch,
        message: `the rollout repo has no branch ${config.branch}`,
      });
    return { kind: 'no-branch', exitCode: ExitCode.badInput };
  }
  // New to this watcher: the head moved since the last cycle, or the first fetch brought it.
  const before = state.lastHead ?? arrived.fetchedFrom;
  if (before !== undefined && before !== head) {
    emit({
      type: 'commit.new',
      before: before === '' ? undefined : before,
      after: head,
      subject: await commitSubject(git, head),
    });
  }
  state.lastHead = head;

  const specs = await loadRepo(config.repoDir, head);
  if (!specs.ok) {
    const errors = specs.error.map(formatSpecError);
    if (sayOnce(state, `invalid:${head}`)) {
      emit({ type: 'spec.invalid', commit: head, errors });
      await sendAlert(ports.notify, emit, { type: 'invalid-spec', commit: head, errors });
    }
    for (const push of pushes)
      emit({
        type: 'push.ignored',
        deliveryId: push.deliveryId,
        after: push.after,
        reason: `the head ${shortSha(head)} is invalid`,
      });
    return { kind: 'invalid', sha: head, exitCode: ExitCode.badInput };
  }

  for (const push of pushes) {
    const reason = await pushIgnoredBecause(config, specs.value, push, head);
    if (reason !== undefined) emit({ type: 'push.ignored', deliveryId: push.deliveryId, after: push.after, reason });
  }

  let exitCode: number = ExitCode.done;
  const manual = [...specs.value.inventories.keys()]
    .filter((environment) => syncPolicyOf(config, specs.value, environment) === 'manual')
    .sort();
  if (arrived.runCommits && manual.length > 0) await fetchShared(config, emit, state, signal);
  const work = arrived.runCommits ? await pendingRollouts(config.repoDir, specs.value, head) : [];
  for (const pending of work) {
    if (signal.aborted) break;
    // Manual sync: recorded as pending below, run only when a person asks.
    if (pending.action === 'run' && manual.includes(pending.environment)) continue;
    if (pending.action === 'skip') {
      if (sayOnce(state, `skip:${pending.rollout}:${head}:${pending.reason}`)) {
        emit({
          type: 'rollout.skipped',
          rollout: pending.rollout,
          environment: pending.environment,
          commit: head,
          reason: pending.reason,
        });
      }
      continue;
    }
    const { exitCode: code } = await attemptRun(ports, emit, state, {
      rollout: pending.rollout,
      environment: pending.environment,
      rev: head,
      cause: 'commit',
    });
    exitCode = Math.max(exitCode, code);
  }
  if (arrived.runCommits && !signal.aborted) {
    const code = await syncManual(
      config,
      ports,
      emit,
      state,
      { specs: specs.value, head, work, environments: manual },
      signal,
    );
    exitCode = Math.max(exitCode, code);
  }
  return { kind: 'applied', sha: head, exitCode };
}

/** Why a push needs no run of its own, or undefined when the cycle it triggered handles it. */
async function pushIgnoredBecause(
  config: CycleConfig,
  specs: RepoSpecs,
  push: PushNotice,
  head: string,
): Promise<string | undefined> {
  const git = gitAt(config.repoDir);
  const after = await resolveCommit(git, push.after);
  if (after === undefined || !(await isAncestor(git, after, head)))
    return `${shortSha(push.after)} is not on ${config.branch} here (fetch failed, or the branch was rewritten)`;
  if (after !== head && (await isReverted(config.repoDir, after, head)))
    return `${shortSha(after)} was reverted on ${config.branch}; a reverted commit is never re-applied automatically`;
  const deployed = await Promise.all(
    [...specs.playbooks].map(([rollout, { spec }]) => deployedCommit(config.repoDir, spec.inventory, rollout)),
  );
  const everywhere =
    deployed.length > 0 &&
    (await Promise.all(deployed.map((sha) => sha !== undefined && isAncestor(git, after, sha)))).every(Boolean);
  return everywhere ? `${shortSha(after)} is already deployed` : undefined;
}

/** True the first time `key` is said. */
export function sayOnce(state: HeadState, key: string): boolean {
  if (state.said.has(key)) return false;
  state.said.add(key);
  return true;
}
