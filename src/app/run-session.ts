/**
 * Opening and closing a run around the engine. Opening: lock the environment,
 * plan against the fleet (plan-against-fleet.ts, as `plan` does), then the
 * journal, the log and the control channel. Closing: the note in
 * Git, the journals of superseded runs, the push; then every resource, in
 * reverse order, whatever happened.
 */
import { announceGates, operatorName, registerActiveRun } from '../control/index.js';
import { ok, type Result } from '../core/result.js';
import type { Approver, EngineDeps, RunControl, RunEvent, RunEventListener, RunOutcome } from '../engine/index.js';
import { EXIT_CODE } from '../engine/index.js';
import { pushDeployState, recordRun } from '../records/deploy/deployed.js';
import type { FreezeAllowance, Plan, PlanOptions } from '../plan/types.js';
import type { Rollout } from '../spec/model.js';
import { createRunLogger } from './run-log.js';
import type { AppFailure } from './failure.js';
import type { ResumePoint } from './interrupted.js';
import { createRunNotifier } from './notifications.js';
import { planAgainstFleet, type InterruptedFacts } from './plan-against-fleet.js';
import { runRecordOf } from './journal-fold.js';
import { acquireLock, ensureStateDir, newRunId } from '../records/index.js';
import { loadAdapters, localAdapters, type RemoteAdapters } from './world.js';
import type { EnvironmentLock } from '../records/lock/lock-port.js';
import { fencePorts } from './fenced-world.js';
import { shareJournal, type Coordination, type JournalSharing } from './shared-run.js';
import { openAnswerChannels } from './answer-channels.js';

/** How the CLI watches and steers a run. */
export interface RunViews {
  /** Approve pause gates automatically (never skips a health gate). */
  yes: boolean;
  /** Interactive answer sources besides `lieutenant approve` (the TUI). */
  approvers: Approver[];
  listeners: RunEventListener[];
  /** Called once the plan is known, before anything changes (the TUI mounts here). */
  onPlan?: (plan: Plan, runId: string) => void;
  onWarning: (message: string) => void;
  stop: AbortSignal;
  force: AbortSignal;
  pollMs?: number;
  /** Push the run's note and the deployed refs to this remote afterwards (`--push`). */
  pushTo?: string;
  /** The lock on the shared remote (`--remote`, `--lease`); default origin, none without a remote. */
  coordination?: Coordination;
  /** `--include-cordoned`: cordoned hosts are run like any other (the operator means it). */
  includeCordoned?: boolean;
}

/** The views, plus what the command chose: plan options, the adapters it started loading. */
export type SessionViews = RunViews & {
  repoDir: string;
  planOptions?: PlanOptions;
  adapters?: Promise<RemoteAdapters>;
  /** Set when the run starts inside a freeze window: why it may (journaled with the plan). */
  freezeAllowance?: FreezeAllowance;
  /** The environment's lock on the shared remote, held by the caller: the journal is shared there. */
  shared?: { lock: EnvironmentLock; remote: string };
};

/** Which run this is: its id, and what the interrupted run it finishes (or the runs it supersedes) left. */
export interface Continuation extends InterruptedFacts {
  runId: string;
}

export interface RunSession {
  runId: string;
  plan: Plan;
  deps: EngineDeps;
  control: RunControl;
  /** Every event of this part of the run, for the note in Git. */
  events: RunEvent[];
  continuation: Continuation;
  /** The journal shared on the remote, when the lock is there. */
  sharing?: JournalSharing;
  /** Releases everything the session holds, last opened first. */
  close(): Promise<void>;
}

export function newContinuation(rollout: Rollout, supersedes?: ResumePoint[]): Continuation {
  const runId = newRunId(rollout.rollout, new Date());
  return supersedes ? { runId, supersedes } : { runId };
}

export async function openRunSession(
  views: SessionViews,
  rollout: Rollout,
  continuation: Continuation,
): Promise<Result<RunSession, AppFailure>> {
  const { repoDir } = views;
  const { runId, point } = continuation;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const operator = await operatorName(repoDir);
    await ensureStateDir(repoDir);
    const lock = await acquireLock(repoDir, rollout.environment, { runId, rollout: rollout.rollout, operator });
    if (!lock.ok) return { ok: false, error: lock.error };
    closers.push(() => lock.value.release());
    if (lock.value.warning) views.onWarning(lock.value.warning);

    const world = (await (views.adapters ?? loadAdapters())).connect(rollout);
    closers.push(() => world.shells.closeAll());
    const planned = await planAgainstFleet(rollout, world, continuation, {
      signal: views.force,
      cordons: { repoDir, include: views.includeCordoned === true },
      ...(views.planOptions ? { plan: views.planOptions } : {}),
      ...(views.freezeAllowance ? { freeze: views.freezeAllowance } : {}),
    });
    if (!planned.ok) {
      await close();
      return planned;
    }
    const { plan, packageManagers } = planned.value;
    plan.warnings.forEach(views.onWarning);
    views.onPlan?.(plan, runId);
    await planned.value.repositoriesAsked;

    const journal = await localAdapters.openJournal(repoDir, runId);
    closers.push(() => journal.close());
    const logger = createRunLogger(repoDir, runId);
    closers.push(() => logger.close());
    if (views.freezeAllowance) logger.note('freeze.allowed', { ...views.freezeAllowance });
    // Closers run last-in first: this line is the log's last, written once the run is over.
    closers.push(async () => {
      const usage = world.loadBalancerUsage?.();
      if (usage) logger.note('haproxy.runtime-api', { loadBalancers: usage });
    });
    const active = await registerActiveRun(repoDir, {
      runId,
      rollout: rollout.rollout,
      environment: rollout.environment,
      operator,
    });
    closers.push(() => active.close());
    // Answers from this terminal, this checkout and — through the lock's remote — any clone.
    const answers = await openAnswerChannels({
      repoDir,
      runId,
      rollout,
      plan,
      operator,
      yes: views.yes,
      approvers: views.approvers,
      ...(views.shared ? { shared: { remote: views.shared.remote, leaseMs: views.shared.lock.info.leaseMs } } : {}),
      onWarning: views.onWarning,
    });
    if (!answers.ok) {
      await close();
      return answers;
    }
    closers.push(() => answers.value.close());

    // Webhooks of the environment: in the background, never holding up or failing the run.
    const notifier = await createRunNotifier(rollout.notifications, { env: process.env, onWarning: views.onWarning });
    closers.push(() => notifier.close());

    // A lease that can no longer be proven ours: no further action on any host, at once (not as Ctrl-C).
    const { shared } = views;
    const lapsed = shared?.lock.fence.lapsed;
    const stop = lapsed ? AbortSignal.any([views.stop, lapsed]) : views.stop;
    const force = lapsed ? AbortSignal.any([views.force, lapsed]) : views.force;
    if (lapsed) {
      const onLapsed = () => {
        const reason: unknown = lapsed.reason;
        const message = typeof reason === 'object' && reason !== null && 'message' in reason ? reason.message : reason;
        views.onWarning(`${String(message)}; stopping at once`);
      };
      lapsed.addEventListener('abort', onLapsed, { once: true });
      closers.push(async () => lapsed.removeEventListener('abort', onLapsed));
    }
    const sharing = shared ? shareJournal(repoDir, shared.remote, runId, views.onWarning) : undefined;

    const events: RunEvent[] = [];
    return ok({
      runId,
      plan,
      deps: {
        ...(shared ? fencePorts(world, shared.lock.fence) : world),
        packageManagers,
        clock: localAdapters.clock,
        journal: sharing ? sharing.wrap(journal) : journal,
        approver: answers.value.approver,
      },
      control: {
        runId,
        operator,
        stop,
        force,
        abort: answers.value.abort,
        refusals: answers.value.refusals,
        pollMs: views.pollMs,
        ...(point ? { resumes: point.runId, firstSeq: point.lastSeq + 1 } : {}),
        ...(point?.waitingGate && point.mode === 'forward' ? { waitingGate: point.waitingGate } : {}),
        listeners: [
          (event) => events.push(event),
          announceGates(active, views.onWarning, answers.value.gateRules),
          ...answers.value.listeners,
          logger.listener,
          notifier.listener,
          ...views.listeners,
        ],
      },
      events,
      continuation,
      ...(sharing ? { sharing } : {}),
      close,
    });
  } catch (error) {
    await close();
    throw error;
  }
}

/** What outlives the run: its note in Git, superseded journals closed, the push. */
export async function closeRunSession(views: SessionViews, session: RunSession, outcome: RunOutcome): Promise<void> {
  const { repoDir } = views;
  if (outcome.unrecorded !== undefined) {
    // Its journal ends before its end: the run is unfinished, and no note may say otherwise. `resume` finishes it.
    await session.sharing?.finish(false);
    return;
  }
  const record = runRecordOf(session.events);
  if (record) await recordRun(repoDir, record);
  if (outcome.hostsOut.length === 0) {
    await closeSuperseded(repoDir, session.continuation.supersedes ?? [], session.runId, localAdapters.clock.now());
  }
  if (views.pushTo) {
    const pushed = await pushDeployState(repoDir, views.pushTo);
    if (!pushed.ok)
      views.onWarning(
        `the run is recorded locally but ${pushed.error.message}${pushed.error.detail ? `: ${pushed.error.detail}` : ''}`,
      );
  }
  // A run stopped at a gate is resumed there, by whichever clone: its shared journal stays.
  await session.sharing?.finish(outcome.hostsOut.length === 0 && record?.waitingAfterBatch === undefined);
}

/** Ends the journals of runs a revert replaced, once every host is back: nothing will resume them. */
async function closeSuperseded(
  repoDir: string,
  points: readonly ResumePoint[],
  by: string,
  now: number,
): Promise<void> {
  for (const point of points) {
    const journal = await localAdapters.openJournal(repoDir, point.runId);
    try {
      await journal.append({
        type: 'run.finished',
        result: 'aborted',
        exitCode: EXIT_CODE.aborted,
        message: `superseded by run ${by}, which brought its hosts back`,
        changed: [],
        hostsOut: [],
        durationMs: now - Date.parse(point.started.at),
        runId: point.runId,
        seq: point.lastSeq + 1,
        at: new Date(now).toISOString(),
      });
    } finally {
      await journal.close();
    }
  }
}
