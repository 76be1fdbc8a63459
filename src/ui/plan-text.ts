/** `lieutenant plan` for people: per-host changes, then the batches, then warnings. */
import { formatCondition } from '../core/analysis.js';
import type { Plan, PackageChange } from '../plan/types.js';
import { formatDuration } from '../spec/duration.js';
import type { HostSteps, PausePolicy, StepTarget } from '../spec/model.js';
import { formatQuantity } from '../spec/quantity.js';
import { plural, shortSha } from './format.js';
import { cordonText } from '../plan/planner.js';

export function planText(plan: Plan): string[] {
  const lines = [
    `Plan for ${plan.rollout} on ${plan.environment} at ${shortSha(plan.commit.sha)} "${plan.commit.subject}"`,
  ];
  for (const group of plan.groups) {
    const changing = group.hosts.filter((h) => !h.converged).length;
    lines.push(
      '',
      `group ${group.name} (${group.packageManager}, ${plural(group.size, 'host')}, ${changing} to change, ` +
        `at most ${group.maxUnavailable} out of rotation, load balancers: ${group.loadBalancers.join(', ') || 'none'})`,
    );
    const width = Math.max(...group.hosts.map((h) => h.name.length));
    for (const host of group.hosts) {
      const what = host.cordoned
        ? `skipped: ${cordonText(host.name, host.cordoned).slice(host.name.length + 1)}`
        : host.converged
          ? 'unchanged (already at the committed versions)'
          : host.changes
              .filter((c) => c.kind !== 'unchanged')
              .map(changeText)
              .join(', ');
      const out = group.alreadyOut.includes(host.name)
        ? '  [out of rotation]'
        : group.notServing.includes(host.name)
          ? '  [DOWN: serving nothing]'
          : '';
      lines.push(`  ${host.name.padEnd(width)}  ${what}${out}`);
    }
    lines.push(...hostStepsText(group.steps));
  }
  lines.push('');
  if (plan.batches.length === 0) {
    lines.push('Nothing to do: every host already matches this commit.');
  } else {
    const { strategy } = plan;
    const pause =
      strategy.pause.kind === 'timed' ? `pause ${formatDuration(strategy.pause.ms)}` : `pause ${strategy.pause.kind}`;
    lines.push(
      `${plan.batches.length} batch${plan.batches.length === 1 ? '' : 'es'} (batches ${strategy.batches.map(formatQuantity).join(', ')}; concurrency ${strategy.concurrency}; ` +
        `maxUnavailable ${formatQuantity(strategy.maxUnavailable)}; ${pause}; onFailure ${strategy.onFailure}):`,
    );
    for (const batch of plan.batches) {
      const then = [batch.analysis ? 'analysis' : undefined, gateText(batch.gate)].filter(Boolean).join(', ');
      lines.push(
        `  ${batch.index}/${plan.batches.length} ${batch.group}: ${batch.hosts.join(' ')}  (${batch.inFlight} at once${then ? `; then ${then}` : ''})`,
      );
    }
    const analysis = plan.batches.find((batch) => batch.analysis)?.analysis;
    if (analysis) {
      const metrics = analysis.metrics
        .map(
          (m) =>
            `${m.name} (${m.source.kind === 'haproxy' ? `haproxy ${m.source.measure}${m.source.baseline ? ' vs baseline' : ''}` : 'prometheus'}: ` +
            `pass ${formatCondition(m.pass)}${m.fail ? `, fail ${formatCondition(m.fail)}` : ''})`,
        )
        .join(', ');
      lines.push(
        `analysis once a batch is back: ${plural(analysis.count, 'measurement')} every ${formatDuration(analysis.intervalMs)} of ${metrics}; ` +
          `inconclusive → ${analysis.onInconclusive}`,
      );
    }
    const { drain, health } = plan;
    lines.push(
      `each host: drain (up to ${formatDuration(drain.timeoutMs)}), install, health gate (${plural(health.successThreshold, 'pass')} ` +
        `in a row, every ${formatDuration(health.intervalMs)}, within ${formatDuration(health.timeoutMs)}), back in rotation` +
        (plan.purpose === 'rollback' ? '; this run finishes a rollback' : ''),
    );
  }
  lines.push(...runStepsText(plan));
  for (const warning of plan.warnings) lines.push(`warning: ${warning}`);
  return lines;
}

const argvText = (step: StepTarget): string =>
  `${step.argv.join(' ')}${step.become ? ' (sudo)' : ''} (timeout ${formatDuration(step.timeoutMs)})`;

/** `  steps afterInstall: systemctl restart demo (timeout 5m)`, one line a step, templates as written. */
function hostStepsText(steps: HostSteps | undefined): string[] {
  if (!steps) return [];
  return Object.entries(steps).flatMap(([point, list]) => list.map((step) => `  step ${point}: ${argvText(step)}`));
}

function runStepsText(plan: Plan): string[] {
  const steps = plan.runSteps;
  if (!steps) return [];
  return [
    ...steps.before.map((step) => `run step before, on ${step.host.name}: ${argvText(step)}`),
    ...steps.after.map(
      (step) =>
        `run step after${step.always ? ' (always)' : ' (if the run succeeds)'}, on ${step.host.name}: ${argvText(step)}`,
    ),
  ];
}

export function gateText(gate: PausePolicy): string | undefined {
  if (gate.kind === 'timed') return `pause ${formatDuration(gate.ms)}`;
  return gate.kind === 'approve' ? 'approve' : undefined;
}

export function changeText(change: PackageChange): string {
  if (change.kind === 'install') return `${change.name} install ${change.to}`;
  if (change.kind === 'remove') return `${change.name} ${change.from} removed`;
  if (change.kind === 'repair') return `${change.name} ${change.from} (${change.unsettled ?? 'unsettled'}: repair)`;
  return `${change.name} ${change.from} → ${change.to} (${change.kind})`;
}

/** `plan --explain-ssh`: one line per host, names aligned, each setting with where it came from. */
export function explainSshText(hosts: ReadonlyArray<{ name: string; settings: string[] }>): string[] {
  const width = Math.max(0, ...hosts.map((host) => host.name.length));
  return hosts.map((host) => `${host.name.padEnd(width)}  ${host.settings.join('  ')}`);
}
