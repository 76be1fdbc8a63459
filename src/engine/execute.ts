/**
 * Executes a plan (STYLE.md §1: `plan` prints the same value). Batches run in
 * order; after each, the pause gate; on a failed host, the failure policy.
 * Everything that happens is an event, journaled before its step runs.
 */
import { shortSha } from '../core/sha.js';
import type { Plan } from '../plan/types.js';
import { Availability } from './availability.js';
import { rollBackBatch, runBatch } from './batch.js';
import { abortAnswer, type EngineDeps, type RunControl } from './deps.js';
import { createEmitter } from './emitter.js';
import { EXIT_CODE, type HostOut, type RunResult } from './events.js';
import { analyseBatch } from './analysis.js';
import { analysisGate, answerWho, pauseGate } from './gate.js';
import { preflight } from './preflight.js';
import { notServing } from './serving.js';
import { RotationKeeper } from './rotation-keeper.js';
import type { RunEnv } from './run-env.js';
import { afterSteps, runRunSteps } from './run-level-steps.js';

export interface RunOutcome {
  result: RunResult;
  exitCode: number;
  message: string;
  changed: string[];
  hostsOut: HostOut[];
}

// The runtime API answers in a millisecond: polling it often costs nothing and shortens every drain and return.
const DEFAULT_POLL_MS = 100;
// Hosts held out are re-checked every this many polls: half a second at the default poll.
const KEEPER_POLLS = 5;

export async function executePlan(plan: Plan, deps: EngineDeps, control: RunControl): Promise<RunOutcome> {
  const started = deps.clock.now();
  const emit = createEmitter(control.runId, deps.journal, deps.clock, control.listeners, control.firstSeq);
  await emit({
    type: 'run.started',
    rollout: plan.rollout,
    environment: plan.environment,
    commit: plan.commit,
    operator: control.operator,
    plan,
    ...(control.resumes ? { resumes: control.resumes } : {}),
  });

  const pollMs = control.pollMs ?? DEFAULT_POLL_MS;
  const availability = new Availability(
    plan.groups.map((g) => ({ group: g.name, max: g.maxUnavailable, alreadyOut: g.alreadyOut })),
    {
      notServing: (group, signal) =>
        notServing(
          plan,
          deps.loadBalancers,
          plan.groups.filter((g) => g.name === group),
          signal,
        ),
      clock: deps.clock,
      pollMs,
      waitMs: plan.capacity.waitMs,
    },
  );
  const changed: string[] = [];
  const keeper = new RotationKeeper(emit, deps.clock);
  const env: RunEnv = {
    plan,
    deps,
    control,
    emit,
    availability,
    keeper,
    pollMs,
    failures: new Map(),
  };
  // Until the run's end, the hosts it holds out are re-checked every few polls (and at once after a restart).
  const watching = new AbortController();
  // A journal that fails under the watcher fails the run's next step too; it must not be an unhandled rejection.
  const watcher = keeper
    .watch(pollMs * KEEPER_POLLS, AbortSignal.any([watching.signal, control.force]))
    .catch(() => undefined);
  const stopWatching = async () => {
    watching.abort();
    await watcher;
  };

  // Journaled when asked, so the record shows who stopped the run and how.
  // A journal that fails here fails the run's next step too; it must not also be an unhandled rejection.
  const stopping = () =>
    void emit({ type: 'run.stopping', reason: 'stop requested: finishing the hosts in flight', force: false }).catch(
      () => undefined,
    );
  const forcing = () =>
    void emit({ type: 'run.stopping', reason: 'forced: abandoning the steps in flight', force: true }).catch(
      () => undefined,
    );
  control.stop.addEventListener('abort', stopping, { once: true });
  control.force.addEventListener('abort', forcing, { once: true });
  const unsubscribe = control.refusals?.(({ answer, rule, message }) => {
    const body = { decision: answer.decision, rule, message, stillNeeded: 0, ...answerWho(answer) };
    void emit({ type: 'gate.refused', ...body }).catch(() => undefined);
  });

  const finish = async (ended: RunResult, endMessage: string): Promise<RunOutcome> => {
    control.stop.removeEventListener('abort', stopping);
    control.force.removeEventListener('abort', forcing);
    unsubscribe?.();
    await stopWatching();
    const { reached, message } = await runAfterSteps(ended, endMessage);
    const result =
      plan.purpose === 'rollback' && (reached === 'succeeded' || reached === 'nothing-to-do') ? 'rolled-back' : reached;
    const hostsOut: HostOut[] = plan.groups.flatMap((group) =>
      availability
        .outOfRotation(group.name)
        .map((host) => ({ host, group: group.name, reason: env.failures.get(host) ?? 'left out of rotation' })),
    );
    const outcome = { result, exitCode: EXIT_CODE[result], message, changed, hostsOut };
    await emit({ type: 'run.finished', ...outcome, durationMs: deps.clock.now() - started });
    return outcome;
  };

  /** The playbook's `after` steps, at the run's end; a failing one turns a success into a halt. */
  async function runAfterSteps(reached: RunResult, message: string): Promise<{ reached: RunResult; message: string }> {
    // A refused preflight or a forced stop ends the run without touching anything more.
    if (reached === 'invalid' || control.force.aborted) return { reached, message };
    const steps = afterSteps(plan.runSteps?.after ?? [], reached === 'succeeded');
    if (steps.length === 0) return { reached, message };
    const ran = await runRunSteps(env, 'after', steps);
    if (ran.ok || reached !== 'succeeded') return { reached, message };
    return { reached: 'halted', message: `${message}; then ${ran.reason}` };
  }

  try {
    return await runBatches();
  } finally {
    await stopWatching(); // a bug thrown mid-run must not leave the watcher polling
  }

  async function runBatches(): Promise<RunOutcome> {
    if (plan.batches.length === 0) {
      return finish('nothing-to-do', `every host already matches ${shortSha(plan.commit.sha)}`);
    }

    const checked = await preflight(plan, deps, control.force);
    await emit({ type: 'preflight.finished', ok: checked.problems.length === 0, problems: checked.problems });
    if (checked.problems.length > 0) {
      return finish('invalid', `preflight failed, nothing was changed on any host: ${checked.problems.join('; ')}`);
    }
    const before = await runRunSteps(env, 'before', plan.runSteps?.before ?? []);
    if (!before.ok) return finish('halted', `${before.reason}; no host left rotation`);

    for (const batch of plan.batches) {
      if (control.stop.aborted) return finish('aborted', `stopped before batch ${batch.index}/${plan.batches.length}`);
      if (control.abort?.aborted) {
        return finish('aborted', `aborted by ${abortAnswer(control.abort).by} before batch ${batch.index}`);
      }
      await emit({
        type: 'batch.started',
        batch: batch.index,
        batches: plan.batches.length,
        group: batch.group,
        hosts: batch.hosts,
      });
      const result = await runBatch(batch, env);
      for (const [host, outcome] of result.outcomes) if (outcome.kind === 'done' && outcome.changed) changed.push(host);

      if (control.force.aborted) {
        await emit({ type: 'batch.finished', batch: batch.index, batches: plan.batches.length, ok: false });
        return finish(
          'aborted',
          'forced stop: steps in flight were abandoned; run `lieutenant resume` to bring hosts back',
        );
      }
      if (control.abort?.aborted) {
        // An operator's abort mid-batch: the hosts in flight finished; the batch goes back, as at a gate.
        const answer = abortAnswer(control.abort);
        await emit({ type: 'gate.answered', ...answer, during: batch.index });
        const rolledBack = await rollBackBatch(batch, result, env);
        for (const host of batch.hosts) if (!env.failures.has(host) && rolledBack) removeFrom(changed, host);
        await emit({ type: 'batch.finished', batch: batch.index, batches: plan.batches.length, ok: false });
        return finish(
          'aborted',
          rolledBack
            ? `aborted by ${answer.by} during batch ${batch.index}; batch ${batch.index} rolled back`
            : `aborted by ${answer.by} during batch ${batch.index}; the rollback did not complete: ${describeOut(env)}`,
        );
      }
      if (result.failed) {
        const failedHosts = [...env.failures.keys()].join(', ');
        if (plan.strategy.onFailure === 'rollback') {
          const rolledBack = await rollBackBatch(batch, result, env);
          for (const [host, outcome] of result.outcomes)
            if (outcome.kind === 'done' && rolledBack) removeFrom(changed, host);
          await emit({ type: 'batch.finished', batch: batch.index, batches: plan.batches.length, ok: false });
          return finish(
            'rolled-back',
            rolledBack
              ? `batch ${batch.index} failed on ${failedHosts}; its hosts are back on their previous versions and in rotation`
              : `batch ${batch.index} failed on ${failedHosts}; the rollback did not complete for every host`,
          );
        }
        await emit({ type: 'batch.finished', batch: batch.index, batches: plan.batches.length, ok: false });
        return finish('halted', `halted: ${describeOut(env)}`);
      }
      await emit({ type: 'batch.finished', batch: batch.index, batches: plan.batches.length, ok: true });
      if (control.stop.aborted) return finish('aborted', `stopped after batch ${batch.index}/${plan.batches.length}`);

      // The batch is back in rotation: judge it by its metrics before anyone is asked to go on.
      let askedAlready = false;
      if (batch.analysis) {
        const judged = await analyseBatch(batch, batch.analysis, env);
        if (judged === 'stopped')
          return finish('aborted', `stopped during the analysis after batch ${batch.index}/${plan.batches.length}`);
        if (judged.action === 'fail') {
          const why = `batch ${batch.index} failed its analysis (${judged.verdict}: ${judged.reason})`;
          if (plan.strategy.onFailure === 'rollback') {
            const rolledBack = await rollBackBatch(batch, result, env);
            for (const host of batch.hosts) if (!env.failures.has(host)) removeFrom(changed, host);
            return finish(
              'rolled-back',
              rolledBack
                ? `${why}; its hosts are back on their previous versions and in rotation`
                : `${why}; the rollback did not complete: ${describeOut(env)}`,
            );
          }
          return finish('halted', `halted: ${why}; its hosts stay on the new versions, in rotation`);
        }
        if (judged.action === 'ask') {
          const asked = await analysisGate(batch, judged, env);
          const ended = await answered(asked, batch, result, 'the analysis gate');
          if (ended) return ended;
          askedAlready = true; // a person has looked at this batch: its pause gate would ask the same thing again
        }
      }
      if (askedAlready) continue;

      const answer = await pauseGate(batch, env);
      const ended = await answered(answer, batch, result, 'the pause gate');
      if (ended) return ended;
    }
    // Every batch went through; the promise is a fleet that serves, so ask the load balancers, not our memory.
    const sick = await notServing(plan, deps.loadBalancers, plan.groups, control.force);
    if (!sick.ok || sick.value.size > 0) {
      return finish(
        'degraded',
        `${changed.length} host(s) now on ${shortSha(plan.commit.sha)}, but ` +
          (sick.ok
            ? `not every host of the rollout is serving: ${[...sick.value.values()].join('; ')}`
            : `whether every host is serving could not be checked: ${sick.error.message}`),
      );
    }
    return finish('succeeded', `${changed.length} host(s) now on ${shortSha(plan.commit.sha)} ${plan.commit.subject}`);
  }

  /** The run's end when a gate's answer ends it (stop, abort, halt, a broken approver); undefined: go on. */
  async function answered(
    answer: Awaited<ReturnType<typeof pauseGate>>,
    batch: Plan['batches'][number],
    result: Awaited<ReturnType<typeof runBatch>>,
    gate: string,
  ): Promise<RunOutcome | undefined> {
    if (answer === 'stopped') return finish('aborted', `stopped at the gate after batch ${batch.index}`);
    if ('failure' in answer)
      return finish('halted', `${gate} after batch ${batch.index} could not be answered: ${answer.failure}`);
    if (answer.decision === 'abort') {
      const rolledBack = await rollBackBatch(batch, result, env);
      for (const host of batch.hosts) if (!env.failures.has(host)) removeFrom(changed, host);
      return finish(
        'aborted',
        rolledBack
          ? `aborted by ${answer.by} after batch ${batch.index}; batch ${batch.index} rolled back`
          : `aborted by ${answer.by} after batch ${batch.index}; the rollback did not complete: ${describeOut(env)}`,
      );
    }
    if (answer.decision === 'halt') return finish('aborted', `halted by ${answer.by} after batch ${batch.index}`);
    return undefined;
  }
}

function removeFrom(list: string[], item: string): void {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
}

function describeOut(env: RunEnv): string {
  return [...env.failures.entries()].map(([host, reason]) => `${host} is out of rotation (${reason})`).join('; ');
}
