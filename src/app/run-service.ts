/**
 * `lieutenant run`: the whole life of one run around the engine.
 *
 *   load spec at REV → lock the environment → read the fleet → plan
 *   → journal + log + control channel → executePlan → note in Git → unlock
 *
 * The caller (the CLI) brings the views: event listeners (TUI, lines, --json)
 * and interactive approvers (the TUI's keys). Results are values.
 */
import { openJournal, journalPath, newRunId } from '../adapters/journal/index.js';
import { systemClock } from '../adapters/clock.js';
import { autoApprover, createControlApprover, firstAnswer, operatorName, registerActiveRun, type ActiveRunHandle } from '../control/index.js';
import { executePlan, type RunOutcome } from '../engine/execute.js';
import type { RunEvent, RunEventListener } from '../engine/events.js';
import type { Approver } from '../engine/ports.js';
import { ok, type Result } from '../engine/result.js';
import { recordRun } from '../gitops/deployed.js';
import { acquireLock } from '../gitops/lock.js';
import type { Plan } from '../plan/types.js';
import { createRunLogger } from '../ui/log.js';
import type { AppFailure } from './failure.js';

import { loadSpec, observeAndPlan } from './plan-service.js';
import { runRecordOf } from './run-record.js';
import { connectWorld } from './world.js';

export interface RunRequest {
  repoDir: string;
  playbook: string;
  rev?: string;
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
}

export interface RunDone {
  runId: string;
  outcome: RunOutcome;
}

export async function runService(request: RunRequest): Promise<Result<RunDone, AppFailure>> {
  const { repoDir } = request;
  const loaded = await loadSpec(request);
  if (!loaded.ok) return loaded;
  const { rollout, warnings } = loaded.value;
  warnings.forEach(request.onWarning);

  const operator = await operatorName(repoDir);
  const runId = newRunId(rollout.rollout, new Date());
  const lock = await acquireLock(repoDir, rollout.environment, { runId, rollout: rollout.rollout, operator });
  if (!lock.ok) return { ok: false, error: { exitCode: 4, message: lock.error.message, details: [] } };
  if (lock.value.warning) request.onWarning(lock.value.warning);

  const world = connectWorld(rollout);
  try {
    const planned = await observeAndPlan(rollout, world, request.force);
    if (!planned.ok) return planned;
    const { plan } = planned.value;
    plan.warnings.forEach(request.onWarning);
    request.onPlan?.(plan, runId);

    const journal = await openJournal(journalPath(repoDir, runId));
    const logger = createRunLogger(repoDir, runId);
    const active = await registerActiveRun(repoDir, {
      runId,
      pid: process.pid,
      rollout: rollout.rollout,
      environment: rollout.environment,
      operator,
    });
    const events: RunEvent[] = [];
    const approver = request.yes
      ? autoApprover(operator)
      : firstAnswer([...request.approvers, createControlApprover(repoDir, runId)]);
    try {
      const outcome = await executePlan(
        plan,
        rollout,
        { ...world, clock: systemClock, journal, approver },
        {
          runId,
          operator,
          stop: request.stop,
          force: request.force,
          pollMs: request.pollMs,
          listeners: [
            (event) => events.push(event),
            (event) => trackGate(event, active),
            logger.listener,
            ...request.listeners,
          ],
        },
      );
      const record = runRecordOf(events);
      if (record) await recordRun(repoDir, record);
      return ok({ runId, outcome });
    } finally {
      await active.close();
      await logger.close();
      await journal.close();
    }
  } finally {
    await world.shells.closeAll();
    await lock.value.release();
  }
}

/** Tells `lieutenant approve` from another terminal whether this run waits at a gate. */
function trackGate(event: RunEvent, active: ActiveRunHandle): void {
  if (event.type === 'gate.waiting') void active.setGate({ afterBatch: event.afterBatch, batches: event.batches, summary: event.summary, since: event.at });
  if (event.type === 'gate.answered' || event.type === 'run.finished') void active.setGate(undefined);
}
