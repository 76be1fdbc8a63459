/**
 * The playbook's steps: argv lists run over the host's SSH connection, one
 * after the other, each journaled before it runs. The first that exits
 * non-zero, times out or cannot run fails the rest of the list.
 */
import { shortSha } from '../../core/sha.js';
import type { HostStepPoint, StepTarget } from '../../spec/model.js';
import { renderTemplate, type TemplateContext } from '../../spec/templates.js';
import type { RemoteShell } from '../ports.js';
import type { RunEnv } from '../run-env.js';

export type StepsResult = { ok: true } | { ok: false; reason: string };

/** How much of a failed step's output its reason carries (the journal and views show it). */
const OUTPUT_TAIL = 400;

/** Templates of one host's steps: the host, the versions of this move, the run. */
export function stepContext(
  env: RunEnv,
  host: { name: string; address: string },
  packages: Readonly<Record<string, string | null>>,
): TemplateContext {
  // A package this move removes reads as an empty argument.
  const versions = Object.fromEntries(Object.entries(packages).map(([name, version]) => [name, version ?? '']));
  return { host, packages: versions, run: { id: env.control.runId, commitShort: shortSha(env.plan.commit.sha) } };
}

/** The host's steps at `point`, in order; stops at the first that fails. */
export async function runHostSteps(
  env: RunEnv,
  shell: RemoteShell,
  point: HostStepPoint,
  steps: readonly StepTarget[],
  context: TemplateContext,
  rollback: boolean,
): Promise<StepsResult> {
  const host = context.host.name;
  for (const [i, step] of steps.entries()) {
    const argv = step.argv.map((arg) => renderTemplate(arg, context));
    const base = { host, point, index: i + 1 };
    await env.emit({ type: 'host.step.started', ...base, of: steps.length, argv, rollback });
    const ran = await runStep(shell, argv, step, env.control.force);
    await env.emit({ type: 'host.step.finished', ...base, ...ran });
    if (!ran.ok) return { ok: false, reason: `${point} step ${i + 1} (${argv.join(' ')}): ${ran.reason}` };
  }
  return { ok: true };
}

export async function runStep(
  shell: RemoteShell,
  argv: readonly string[],
  step: StepTarget,
  signal: AbortSignal,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const ran = await shell.exec(argv, { privileged: step.become, timeoutMs: step.timeoutMs, signal });
  if (!ran.ok) return { ok: false, reason: withoutHost(ran.error.message, shell.host) };
  if (ran.value.code === 0) return { ok: true };
  const output = (ran.value.stderr.trim() || ran.value.stdout.trim()).slice(-OUTPUT_TAIL);
  return { ok: false, reason: `exit ${ran.value.code}${output ? `: ${output}` : ''}` };
}

function withoutHost(message: string, host: string): string {
  return message.startsWith(`${host}: `) ? message.slice(host.length + 2) : message;
}
