/**
 * `lieutenant plan --format markdown`: the plan as a pull-request comment —
 * what merging would change, host counts per version change, the batches and
 * gates, analysis and freeze — short enough to read in a review: a host list
 * longer than FOLD_AFTER folds away behind its count.
 */
import type { GroupPlan, Plan } from '../plan/types.js';
import { formatDuration } from '../spec/duration.js';
import { formatQuantity } from '../spec/quantity.js';
import { plural, shortSha } from './format.js';
import { markdownCode, markdownFolded, markdownTable, markdownText } from './markdown.js';
import { changeText, gateText } from './plan-text.js';

export const FOLD_AFTER = 20;

/** One row per distinct set of changes in a group: "demo 1.0 → 1.1 (upgrade)" and the hosts that get it. */
function changeRows(group: GroupPlan): string[][] {
  const bySet = new Map<string, string[]>();
  for (const host of group.hosts) {
    const what = host.converged
      ? 'unchanged'
      : host.changes
          .filter((change) => change.kind !== 'unchanged')
          .map(changeText)
          .join(', ') || 'health-gated and returned (left out by an earlier run)';
    bySet.set(what, [...(bySet.get(what) ?? []), host.name]);
  }
  return [...bySet].map(([what, hosts]) => [
    markdownText(group.name),
    markdownText(group.packageManager),
    markdownText(what),
    String(hosts.length),
    markdownFolded(hosts.map(markdownText), FOLD_AFTER, `${plural(hosts.length, 'host')}`),
  ]);
}

function batchLines(plan: Plan): string[] {
  if (plan.batches.length === 0) return ['Nothing to do: every host already matches this commit.'];
  const { strategy } = plan;
  const lines = [
    `**${plan.batches.length} batch${plan.batches.length === 1 ? '' : 'es'}** (concurrency ${strategy.concurrency}, ` +
      `maxUnavailable ${formatQuantity(strategy.maxUnavailable)}, onFailure ${strategy.onFailure}):`,
    '',
  ];
  for (const batch of plan.batches) {
    const then = [batch.analysis ? 'analysis' : undefined, gateText(batch.gate)].filter(Boolean).join(', then ');
    const hosts = markdownFolded(batch.hosts.map(markdownText), FOLD_AFTER, plural(batch.hosts.length, 'host'));
    lines.push(
      `${batch.index}. ${markdownText(batch.group)}, ${batch.inFlight} at once${then ? `; then ${then}` : ''}: ${hosts}`,
    );
  }
  return lines;
}

function contextLines(plan: Plan): string[] {
  const lines: string[] = [];
  const analysis = plan.batches.find((batch) => batch.analysis)?.analysis;
  if (analysis) {
    const names = analysis.metrics.map((metric) => markdownCode(metric.name)).join(', ');
    lines.push(
      `- **Analysis** after each batch: ${plural(analysis.count, 'measurement')} every ${formatDuration(analysis.intervalMs)} of ${names}; inconclusive → ${analysis.onInconclusive}`,
    );
  }
  if (plan.freeze)
    lines.push(
      `- **Freeze window** ${markdownText(plan.freeze.window)} (${markdownText(plan.freeze.windowReason)}): allowed as ${plan.freeze.allowed}`,
    );
  for (const warning of plan.warnings) lines.push(`- ⚠️ ${markdownText(warning)}`);
  return lines;
}

export function planMarkdown(plan: Plan): string[] {
  const hosts = plan.groups.flatMap((group) => group.hosts);
  const changing = hosts.filter((host) => !host.converged).length;
  const context = contextLines(plan);
  return [
    `### Plan: ${markdownText(plan.rollout)} on ${markdownText(plan.environment)} at ${markdownCode(shortSha(plan.commit.sha))} ${markdownText(plan.commit.subject)}`,
    '',
    `**${changing} of ${plural(hosts.length, 'host')} change**${plan.purpose === 'rollback' ? ' (this run finishes a rollback)' : ''}.`,
    '',
    ...markdownTable(['group', 'manager', 'change', 'hosts', 'which'], plan.groups.flatMap(changeRows)),
    '',
    ...batchLines(plan),
    ...(context.length > 0 ? ['', ...context] : []),
  ];
}
