/**
 * The end of a run in a few lines — what happened, what changed, who is out
 * of rotation, and how to undo it — shared by the line renderer, the TUI and
 * the `--json` summary object.
 */
import type { RunResult } from '../engine/index.js';
import type { RunView } from './run-view-model.js';
import { formatElapsed, revertHint, shortSha } from './format.js';

export const RESULT_LABEL: Record<RunResult, string> = {
  succeeded: 'done',
  'nothing-to-do': 'nothing to do',
  'rolled-back': 'failed, rolled back',
  halted: 'failed, halted',
  degraded: 'failed, degraded',
  aborted: 'aborted',
  'lease-lost': 'stopped, lease lost',
  invalid: 'refused',
};

export function summaryLines(view: RunView): string[] {
  const result = view.result;
  if (result === undefined) return [];
  const lines = [`${RESULT_LABEL[result.result]} in ${formatElapsed(result.durationMs)}: ${result.message}`];
  const counts = [
    `${result.changed.length} changed`,
    view.counts.unchanged > 0 ? `${view.counts.unchanged} already up to date` : '',
    view.counts['rolled-back'] > 0 ? `${view.counts['rolled-back']} rolled back` : '',
    view.counts.failed > 0 ? `${view.counts.failed} failed` : '',
  ].filter((part) => part !== '');
  lines.push(`hosts: ${counts.join(', ')}`);
  for (const out of result.hostsOut)
    lines.push(`out of rotation: ${out.host} (${out.group}) — ${out.reason}; see lieutenant status`);
  const sha = view.header?.commit.sha;
  if (sha !== undefined && result.changed.length > 0) lines.push(`to roll back: ${revertHint(sha)}`);
  return lines;
}

/** The `--json` summary object: the result plus enough context to act on it. */
export function summaryObject(view: RunView) {
  const result = view.result;
  const sha = view.header?.commit.sha;
  return {
    type: 'summary' as const,
    runId: view.header?.runId,
    rollout: view.header?.rollout,
    environment: view.header?.environment,
    commit:
      view.header === undefined
        ? undefined
        : { sha: view.header.commit.sha, short: shortSha(view.header.commit.sha), subject: view.header.commit.subject },
    operator: view.header?.operator,
    result: result?.result,
    exitCode: result?.exitCode,
    message: result?.message,
    durationMs: result?.durationMs,
    changed: result?.changed ?? [],
    hostsOut: result?.hostsOut ?? [],
    hosts: {
      changed: result?.changed.length ?? 0,
      unchanged: view.counts.unchanged,
      failed: view.counts.failed,
      rolledBack: view.counts['rolled-back'],
    },
    approvals: view.answers,
    revert: sha !== undefined && (result?.changed.length ?? 0) > 0 ? revertHint(sha) : undefined,
    text: summaryLines(view),
  };
}
