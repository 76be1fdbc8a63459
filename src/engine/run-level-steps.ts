/**
 * The playbook's run steps: `before` once after preflight and before any host
 * leaves rotation, `after` once when the last batch is through — only when
 * the run succeeded, unless a step says `always: true`. Each runs on its one
 * named host, over the run's SSH pool, journaled before it runs.
 */
import type { RunStepTarget } from '../spec/model.js';
import { renderTemplate } from '../spec/templates.js';
import type { RunEnv } from './run-env.js';
import { runStep, stepContext, type StepsResult } from './steps/run-steps.js';

export async function runRunSteps(
  env: RunEnv,
  when: 'before' | 'after',
  steps: readonly RunStepTarget[],
): Promise<StepsResult> {
  for (const [i, step] of steps.entries()) {
    const argv = step.argv.map((arg) => renderTemplate(arg, stepContext(env, step.host, step.packages)));
    const base = { when, host: step.host.name, index: i + 1 };
    await env.emit({ type: 'run.step.started', ...base, of: steps.length, argv });
    const shell = await env.deps.shells.connect(step.host, env.control.force);
    const ran = shell.ok
      ? await runStep(shell.value, argv, step, env.control.force)
      : { ok: false as const, reason: shell.error.message };
    await env.emit({ type: 'run.step.finished', ...base, ...ran });
    if (!ran.ok)
      return { ok: false, reason: `${when} step ${i + 1} on ${step.host.name} (${argv.join(' ')}): ${ran.reason}` };
  }
  return { ok: true };
}

/** The `after` steps a run that ended with `succeeded` (or not) runs. */
export function afterSteps(steps: readonly RunStepTarget[], succeeded: boolean): RunStepTarget[] {
  return steps.filter((step) => succeeded || step.always);
}
