/**
 * Executes a plan (the same value `plan` prints). Batches run in order;
 * after each, its analysis and its gate. Whatever ends the run early is
 * decided in one place (batch-end.ts: rollback, halt, abort, stop), and the
 * run ends in one place (`finishRun`: the `after` steps, `run.finished`).
 * Everything that happens is an event, journaled before its step runs.
 */
import { shortSha } from '../core/sha.js';
import type { BatchPlan, Plan } from '../plan/types.js';
import { Availability } from './availability.js';
import { finishedBatch, runBatch, type BatchResult } from './batch.js';
import { endRun, type RunEnd, type RunEnding } from './batch-end.js';
import { abortAnswer, leaseLapsedOf, type EngineDeps, type RunControl, type WaitingGate } from './deps.js';
import { createEmitter } from './emitter.js';
import { ExitCode } from '../core/exit-codes.js';
import { HostStates, JournalUnwritable, returnKnownHealthy, tracking, unrecordedMessage } from './journal-lost.js';
import { EXIT_CODE, type HostOut, type RunResult } from './events.js';
import { analyseBatch } from './analysis.js';
import { analysisGate, answerWho, pauseGate } from './gate.js';
import { preflight } from './preflight.js';
import { notServing } from './serving.js';
import { RotationKeeper } from './rotation-keeper.js';
import { batchesOf, type RunEnv } from './run-env.js';
import { afterSteps, runRunSteps } from './run-level-steps.js';
import { cordonText, cordonedHosts } from '../plan/planner.js';

export interface RunOutcome {
  result: RunResult;
  exitCode: number;
  message: string;
  changed: string[];
  hostsOut: HostOut[];
  /** Set when the journal could not be written (why): the run stopped unrecorded, and `resume` finishes it. */
  unrecorded?: string;
}

// The runtime API answers in a millisecond: polling it often costs nothing and shortens every drain and return.
const DEFAULT_POLL_MS = 100;
// Hosts held out are re-checked every this many polls: half a second at the default poll.
const KEEPER_POLLS = 5;

export async function executePlan(plan: Plan, deps: EngineDeps, control: RunControl): Promise<RunOutcome> {
  const started = deps.clock.now();
  const emitter = createEmitter(control.runId, deps.journal, deps.clock, control.listeners, control.firstSeq);
  const states = new HostStates();
  const emit = tracking(emitter, states);
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
  const keeper = new RotationKeeper(emit, deps.clock);
  const env: RunEnv = { plan, deps, control, emit, availability, keeper, pollMs, failures: new Map(), changed: [] };
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
    // A lost lease aborts both signals; `forcing` says why, once.
    leaseLapsedOf(control.stop) ??
    void emit({ type: 'run.stopping', reason: 'stop requested: finishing the hosts in flight', force: false }).catch(
      () => undefined,
    );
  const forcing = () =>
    void emit({
      type: 'run.stopping',
      reason: leaseLapsedOf(control.force)?.message ?? 'forced: abandoning the steps in flight',
      force: true,
    }).catch(() => undefined);
  control.stop.addEventListener('abort', stopping, { once: true });
  control.force.addEventListener('abort', forcing, { once: true });
  const unsubscribe = control.refusals?.(({ answer, rule, message }) => {
    const body = { decision: answer.decision, rule, message, stillNeeded: 0, ...answerWho(answer) };
    void emit({ type: 'gate.refused', ...body }).catch(() => undefined);
  });

  try {
    const end = await runBatches(env);
    control.stop.removeEventListener('abort', stopping);
    control.force.removeEventListener('abort', forcing);
    unsubscribe?.();
    await stopWatching();
    return await finishRun(env, end, started);
  } catch (error) {
    if (!(error instanceof JournalUnwritable)) throw error;
    await stopWatching(); // nothing may act on a host now but the return of the ones known healthy
    const { returned, hostsOut } = await returnKnownHealthy(env, states);
    const message = unrecordedMessage(error, control.runId, returned, hostsOut);
    const outcome = {
      result: 'halted' as const,
      exitCode: ExitCode.unrecorded,
      message,
      changed: env.changed,
      hostsOut,
    };
    emitter.announce({ type: 'run.finished', ...outcome, durationMs: deps.clock.now() - started });
    return { ...outcome, unrecorded: error.reason };
  } finally {
    await stopWatching(); // a bug thrown mid-run must not leave the watcher polling
  }
}

/** The one end of every run: the `after` steps, the result as a rollback sees it, `run.finished`. */
async function finishRun(env: RunEnv, end: RunEnd, started: number): Promise<RunOutcome> {
  const { plan, availability } = env;
  const afterStepsRan = await runAfterSteps(env, end);
  const { reached } = afterStepsRan;
  // Never silently: whoever reads the summary learns which hosts this run left alone.
  const cordoned = cordonedHosts(plan).map(({ host, cordon }) => cordonText(host, cordon));
  const message =
    cordoned.length > 0 ? `${afterStepsRan.message}; skipped ${cordoned.join(', ')}` : afterStepsRan.message;
  const lapsed = leaseLapsedOf(env.control.force);
  const result = lapsed
    ? 'lease-lost'
    : plan.purpose === 'rollback' && (reached === 'succeeded' || reached === 'nothing-to-do')
      ? 'rolled-back'
      : reached;
  const hostsOut: HostOut[] = plan.groups.flatMap((group) =>
    availability
      .outOfRotation(group.name)
      .map((host) => ({ host, group: group.name, reason: env.failures.get(host) ?? 'left out of rotation' })),
  );
  const said = lapsed ? leaseLostMessage(lapsed.message, hostsOut) : message;
  const outcome = { result, exitCode: EXIT_CODE[result], message: said, changed: env.changed, hostsOut };
  await env.emit({ type: 'run.finished', ...outcome, durationMs: env.deps.clock.now() - started });
  return outcome;
}

/** The playbook's `after` steps, at the run's end; a failing one turns a success into a halt. */
async function runAfterSteps(env: RunEnv, end: RunEnd): Promise<{ reached: RunResult; message: string }> {
  const { result: reached, message } = end;
  // A refused preflight or a forced stop ends the run without touching anything more.
  if (reached === 'invalid' || env.control.force.aborted) return { reached, message };
  const steps = afterSteps(env.plan.runSteps?.after ?? [], reached === 'succeeded');
  if (steps.length === 0) return { reached, message };
  const ran = await runRunSteps(env, 'after', steps);
  if (ran.ok || reached !== 'succeeded') return { reached, message };
  return { reached: 'halted', message: `${message}; then ${ran.reason}` };
}

/** Preflight, the `before` steps, then every batch with its analysis and gate. */
async function runBatches(env: RunEnv): Promise<RunEnd> {
  const { plan, deps, control, emit } = env;
  // An interrupted run that stood at a gate asks it again before any other host is touched.
  const waiting = control.waitingGate;
  if (waiting) {
    const { batch, at, analysis } = waiting;
    const ending = await askGates(batch, finishedBatch(batch, env), env, at, analysis);
    if (ending) return endRun(ending, env);
  } else if (plan.batches.length === 0) {
    return { result: 'nothing-to-do', message: `every host already matches ${shortSha(plan.commit.sha)}` };
  }
  const checked = await preflight(plan, deps, control.force);
  await emit({ type: 'preflight.finished', ok: checked.problems.length === 0, problems: checked.problems });
  if (checked.problems.length > 0) {
    const problems = checked.problems.join('; ');
    return { result: 'invalid', message: `preflight failed, nothing was changed on any host: ${problems}` };
  }
  const before = await runRunSteps(env, 'before', plan.runSteps?.before ?? []);
  if (!before.ok) return { result: 'halted', message: `${before.reason}; no host left rotation` };

  const of = plan.batches.length;
  for (const batch of plan.batches) {
    if (control.stop.aborted)
      return endRun({ kind: 'stopped', message: `stopped before batch ${batch.index}/${of}` }, env);
    if (control.abort?.aborted) {
      const message = `aborted by ${abortAnswer(control.abort).by} before batch ${batch.index}`;
      return endRun({ kind: 'stopped', message }, env);
    }
    await emit({ type: 'batch.started', batch: batch.index, batches: of, group: batch.group, hosts: batch.hosts });
    const result = await runBatch(batch, env);
    for (const [host, outcome] of result.outcomes)
      if (outcome.kind === 'done' && outcome.changed) env.changed.push(host);
    const ending = await judgeBatch(batch, result, env);
    if (ending) return endRun(ending, env);
  }
  // Every batch went through; the promise is a fleet that serves, so ask the load balancers, not our memory.
  const sick = await notServing(plan, deps.loadBalancers, plan.groups, control.force);
  const now = `${env.changed.length} host(s) now on ${shortSha(plan.commit.sha)}`;
  if (!sick.ok || sick.value.size > 0) {
    const why = sick.ok
      ? `not every host of the rollout is serving: ${[...sick.value.values()].join('; ')}`
      : `whether every host is serving could not be checked: ${sick.error.message}`;
    return { result: 'degraded', message: `${now}, but ${why}` };
  }
  return { result: 'succeeded', message: `${now} ${plan.commit.subject}` };
}

/** What ends the run after this batch ran, or undefined to go on: its hosts, its analysis, its gate. */
async function judgeBatch(batch: BatchPlan, result: BatchResult, env: RunEnv): Promise<RunEnding | undefined> {
  const { control, emit } = env;
  const of = env.plan.batches.length;
  if (control.force.aborted) return { kind: 'forced', batch };
  if (control.abort?.aborted) {
    // An operator's abort mid-batch: the hosts in flight finished; the batch goes back, as at a gate.
    const answer = abortAnswer(control.abort);
    await emit({ type: 'gate.answered', ...answer, during: batch.index });
    return { kind: 'aborted', batch, result, by: answer.by, during: true };
  }
  if (result.failed) return { kind: 'host-failed', batch, result };
  await emit({ type: 'batch.finished', batch: batch.index, batches: of, ok: true });
  if (control.stop.aborted) return { kind: 'stopped', message: `stopped after batch ${batch.index}/${of}` };
  return askGates(batch, result, env, 'analysis');
}

/**
 * The batch is back in rotation: judge it by its metrics before anyone is
 * asked to go on, then ask its gate — from `at` on, where an interrupted run
 * left off (`measured`: the analysis its gate asks about).
 */
async function askGates(
  batch: BatchPlan,
  result: BatchResult,
  env: RunEnv,
  at: WaitingGate['at'],
  measured?: WaitingGate['analysis'],
): Promise<RunEnding | undefined> {
  const of = batchesOf(env, batch);
  if (batch.analysis && at !== 'pause') {
    const judged = measured ?? (await analyseBatch(batch, batch.analysis, env));
    if (judged === 'stopped')
      return { kind: 'stopped', message: `stopped during the analysis after batch ${batch.index}/${of}` };
    if ('action' in judged && judged.action === 'fail') {
      const why = `batch ${batch.index} failed its analysis (${judged.verdict}: ${judged.reason})`;
      return { kind: 'analysis-failed', batch, result, why };
    }
    // A person who looked at this batch at its analysis gate is not asked the same thing again at its pause gate.
    if (!('action' in judged) || judged.action === 'ask')
      return answered(await analysisGate(batch, judged, env), batch, result, 'the analysis gate');
  }
  return answered(await pauseGate(batch, env), batch, result, 'the pause gate');
}

type GateOutcome = Awaited<ReturnType<typeof pauseGate>>;

/** A run that lost its lease did nothing more: whoever takes the lock over reconciles what it left. */
function leaseLostMessage(lapse: string, hostsOut: readonly HostOut[]): string {
  const left =
    hostsOut.length === 0
      ? 'no host is left out of rotation'
      : `left out of rotation for whoever takes the lock over: ${hostsOut.map((out) => out.host).join(', ')}`;
  return `${lapse}; stopped at once, no further action on any host; ${left}`;
}

/** How a gate's answer ends the run (stop, abort, halt, a broken approver); undefined: go on. */
function answered(answer: GateOutcome, batch: BatchPlan, result: BatchResult, gate: string): RunEnding | undefined {
  if (answer === 'stopped') return { kind: 'stopped', message: `stopped at the gate after batch ${batch.index}` };
  if ('failure' in answer) return { kind: 'unanswered', batch, gate, failure: answer.failure };
  if (answer.decision === 'abort') return { kind: 'aborted', batch, result, by: answer.by, during: false };
  if (answer.decision === 'halt') return { kind: 'halted-at-gate', batch, by: answer.by };
  return undefined;
}
