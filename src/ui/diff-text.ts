/** `lieutenant diff` for people (text) and for pull requests (markdown). */
import type { VersionDiff } from '../app/diff-service.js';
import type { RolloutVersionChanges } from '../spec/version-diff.js';
import { printable } from '../spec/errors.js';
import { shortSha, versionText } from './format.js';
import { markdownCode, markdownTable, markdownText } from './markdown.js';

const heading = (rollout: RolloutVersionChanges): string => {
  const moved = rollout.environmentBefore ? ` (was ${rollout.environmentBefore})` : '';
  const kind = rollout.kind === 'changed' ? '' : ` — playbook ${rollout.kind}`;
  return `${rollout.rollout} on ${rollout.environment}${moved}${kind}`;
};

export function diffText(diff: VersionDiff): string[] {
  const lines = [
    `Versions from ${shortSha(diff.from.sha)} to ${shortSha(diff.to.sha)} "${printable(diff.to.subject)}"`,
  ];
  if (diff.rollouts.length === 0) return [...lines, '', 'No committed version changes.'];
  for (const rollout of diff.rollouts) {
    lines.push('', heading(rollout));
    for (const { group, changes } of rollout.groups) {
      for (const change of changes)
        lines.push(`  ${group}  ${change.package} ${versionText(change.from)} → ${versionText(change.to)}`);
    }
    if (rollout.groups.length === 0) lines.push('  no version changes');
  }
  return lines;
}

export function diffMarkdown(diff: VersionDiff): string[] {
  const title = `### Version changes ${markdownCode(shortSha(diff.from.sha))} → ${markdownCode(shortSha(diff.to.sha))} ${markdownText(diff.to.subject)}`;
  if (diff.rollouts.length === 0) return [title, '', 'No committed version changes.'];
  const rows = diff.rollouts.flatMap((rollout) => {
    const moved = rollout.environmentBefore ? ` (was ${rollout.environmentBefore})` : '';
    const kind = rollout.kind === 'changed' ? '' : ` (playbook ${rollout.kind})`;
    const where = [markdownText(rollout.rollout + kind), markdownText(rollout.environment + moved)];
    if (rollout.groups.length === 0) return [[...where, '—', '—', '—', '—']];
    return rollout.groups.flatMap(({ group, changes }) =>
      changes.map((change) => [
        ...where,
        markdownText(group),
        markdownCode(change.package),
        markdownText(versionText(change.from)),
        markdownText(versionText(change.to)),
      ]),
    );
  });
  return [title, '', ...markdownTable(['rollout', 'environment', 'group', 'package', 'from', 'to'], rows)];
}
