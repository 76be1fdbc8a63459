/**
 * `lieutenant plan`: load the committed spec, decide which run `run` would
 * be (finishing an interrupted run of this commit included), plan against the
 * fleet exactly as `run` does (plan-against-fleet.ts), and ask what `run`'s
 * preflight asks (every planned host reachable, sudo usable, the versions in
 * its repositories) — so it never shows a plan that `run` would not execute.
 * Changes nothing.
 */
import { preflight, type Observation } from '../engine/index.js';
import { ok, type Result } from '../core/result.js';
import type { Plan } from '../plan/types.js';
import type { Rollout } from '../spec/model.js';
import { loadRollout } from '../spec/repo.js';
import { badInput, specFailure, type AppFailure } from './failure.js';
import { freezeBeforeRun } from './freeze/before-run.js';
import { findInterrupted } from './interrupted-runs.js';
import { chooseRun, interruptedFactsOf, planAgainstFleet } from './plan-against-fleet.js';
import { loadAdapters } from './world.js';

export interface PlanRequest {
  repoDir: string;
  playbook: string;
  rev?: string;
  signal: AbortSignal;
  /** `--include-cordoned`: plan cordoned hosts like any other. */
  includeCordoned?: boolean;
}

export interface Planned {
  plan: Plan;
  observation: Observation;
}

export async function loadSpec(
  request: Omit<PlanRequest, 'signal'>,
): Promise<Result<{ rollout: Rollout; warnings: string[] }, AppFailure>> {
  const loaded = await loadRollout(request.repoDir, request.playbook, request.rev);
  return loaded.ok ? loaded : { ok: false, error: specFailure(loaded.error) };
}

export async function planService(
  request: PlanRequest,
): Promise<Result<Planned & { rollout: Rollout; warnings: string[] }, AppFailure>> {
  const adapters = loadAdapters(); // while git reads the spec
  const loaded = await loadSpec(request);
  if (!loaded.ok) return loaded;
  const { rollout } = loaded.value;
  const warnings = [...loaded.value.warnings];
  // As `run` decides: beside an interrupted run of this commit, the plan is the one that finishes it.
  const found = await findInterrupted(request.repoDir);
  if (!found.ok) return found;
  warnings.push(...found.value.warnings);
  const choice = chooseRun(found.value.points, rollout);
  if (!choice.ok) return choice;
  if (choice.value.kind === 'finish')
    warnings.push(
      `run ${choice.value.point.runId} of this commit was interrupted (${choice.value.point.lastStep}); \`run\` finishes it: this is its plan`,
    );
  const interrupted = interruptedFactsOf(choice.value);
  const freeze = await freezeBeforeRun(request.repoDir, rollout, { rollback: interrupted.point?.mode === 'rollback' });
  if (!freeze.ok) warnings.push(`\`run\` would not start now: ${freeze.error.message}`);
  const world = (await adapters).connect(rollout);
  try {
    const planned = await planAgainstFleet(rollout, world, interrupted, {
      signal: request.signal,
      cordons: { repoDir: request.repoDir, include: request.includeCordoned === true },
      ...(freeze.ok && freeze.value ? { freeze: freeze.value } : {}),
    });
    if (!planned.ok) return planned;
    const { plan, observation, packageManagers } = planned.value;
    await planned.value.repositoriesAsked;
    const checked = await preflight(plan, { ...world, packageManagers }, request.signal);
    if (checked.problems.length > 0) {
      return {
        ok: false,
        error: badInput('`lieutenant run` would refuse this plan at preflight; nothing was changed', checked.problems),
      };
    }
    return ok({ plan, observation, rollout, warnings });
  } finally {
    await world.shells.closeAll();
  }
}

/** `plan --explain-ssh`: each host's SSH settings and where they came from; connects to nothing. */
export async function explainSshService(
  request: Omit<PlanRequest, 'signal'>,
): Promise<Result<{ hosts: Array<{ name: string; settings: string[] }>; warnings: string[] }, AppFailure>> {
  const loaded = await loadSpec(request);
  if (!loaded.ok) return loaded;
  const { rollout, warnings } = loaded.value;
  const { explainSsh } = await import('../adapters/ssh/explain.js');
  const lines: string[] = [];
  const hosts = await explainSsh(
    rollout.groups.flatMap((group) => group.hosts),
    rollout.groups
      .flatMap((group) => group.loadBalancers)
      .filter((name, index, all) => all.indexOf(name) === index)
      .flatMap((name) => rollout.loadBalancers[name] ?? []),
    rollout.ssh,
    { log: (line) => lines.push(line) },
  );
  return ok({ hosts, warnings: [...warnings, ...lines] });
}
