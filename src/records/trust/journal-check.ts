/**
 * A run's journal shared through the remote, judged against what the
 * followed branch says before anyone resumes it: the run's commit must be
 * on the branch, its environment and rollout those of that commit's
 * playbook, every host and group it names the inventory's, and every
 * version it would install — forward or back — one that the playbook
 * pinned in some commit of the branch. Otherwise `resume` would drain and
 * install whatever a clone that can push wrote there.
 *
 * Pure: the journal's lines and the committed facts in, the problems out.
 */
import { printable } from '../../spec/errors.js';
import { screenJson } from './screen.js';

export interface CommittedFacts {
  /** The followed branch, for people. */
  branch: string;
  /** Whether the journal's commit is on it. */
  onBranch: boolean;
  /** The playbook at that commit: its environment, and each host's group. Undefined: no such rollout there. */
  rollout?: { environment: string; hosts: ReadonlyMap<string, string> };
  /** Every version the playbook pinned per package, over the branch's history up to the commit. */
  versions: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface JournalStart {
  rollout: string;
  environment: string;
  commit: string;
}

/** The `run.started` of a journal's text, screened; undefined when it has none that reads. */
export function journalStart(text: string): JournalStart | undefined {
  const first = text.slice(0, Math.max(0, text.indexOf('\n')));
  const screened = screenJson(first, 'its first line');
  if (!screened.ok) return undefined;
  const start = screened.value as { type?: unknown; rollout?: unknown; environment?: unknown; commit?: unknown };
  const sha = (start.commit as { sha?: unknown } | undefined)?.sha;
  if (start.type !== 'run.started' || typeof start.rollout !== 'string' || typeof start.environment !== 'string')
    return undefined;
  return typeof sha === 'string' ? { rollout: start.rollout, environment: start.environment, commit: sha } : undefined;
}

/** Every reason not to resume from this journal; [] when it may be brought in. */
export function journalProblems(text: string, facts: CommittedFacts): string[] {
  const start = journalStart(text);
  if (start === undefined) return ['its start does not read as a run of a commit'];
  if (!facts.onBranch) return [`its commit ${start.commit.slice(0, 7)} is not on ${facts.branch}`];
  if (facts.rollout === undefined) return [`${start.rollout} is not a rollout at its commit`];
  if (facts.rollout.environment !== start.environment)
    return [`${start.rollout} rolls out to ${facts.rollout.environment} at its commit, not ${start.environment}`];
  const problems = new Set<string>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const screened = screenJson(line, `line ${index + 1}`);
    if (!screened.ok) problems.add(`line ${index + 1}: ${screened.reason}`);
    else lineProblems(screened.value, facts.rollout.hosts, facts.versions).forEach((p) => problems.add(p));
  }
  return [...problems];
}

function lineProblems(
  value: unknown,
  hosts: ReadonlyMap<string, string>,
  versions: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  const problems: string[] = [];
  visit(value, (key, item, parent) => {
    const named = key === 'host' || (key === 'name' && 'group' in parent) ? [item] : key === 'hosts' ? item : [];
    for (const host of Array.isArray(named) ? named : []) {
      if (typeof host !== 'string') continue;
      const group = hosts.get(host);
      if (group === undefined) problems.push(`host ${printable(host)} is not in the inventory at its commit`);
      else if ('group' in parent && typeof parent['group'] === 'string' && parent['group'] !== group)
        problems.push(`host ${host} is in group ${group}, not ${printable(parent['group'])}`);
    }
    if (VERSION_MAPS.has(key) && typeof item === 'object' && item !== null)
      for (const [pkg, version] of Object.entries(item as Record<string, unknown>))
        if (version !== null && !versions.get(pkg)?.has(String(version)))
          problems.push(`${printable(pkg)} ${printable(String(version))} is a version no commit of the branch pins`);
    if ((key === 'to' || key === 'from') && 'kind' in parent && 'name' in parent && item !== null) {
      const pkg = String(parent['name']);
      if (!versions.get(pkg)?.has(String(item)))
        problems.push(`${printable(pkg)} ${printable(String(item))} is a version no commit of the branch pins`);
    }
  });
  return problems;
}

/** Keys whose value maps packages to versions (a rollback goes back to them). */
const VERSION_MAPS = new Set(['before', 'after', 'to']);

function visit(value: unknown, seen: (key: string, item: unknown, parent: Record<string, unknown>) => void): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next !== 'object' || next === null) continue;
    if (Array.isArray(next)) {
      stack.push(...(next as unknown[]));
      continue;
    }
    const record = next as Record<string, unknown>;
    for (const [key, item] of Object.entries(record)) {
      seen(key, item, record);
      stack.push(item);
    }
  }
}

/** Versions pinned as `name: version` on the lines of a playbook's history (`git log -p`), per package. */
export function pinnedVersions(history: string): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const line of history.split('\n')) {
    const match =
      /^[+\- ]\s+([A-Za-z0-9_][A-Za-z0-9._+-]*):\s*["']?([A-Za-z0-9][A-Za-z0-9._+~^:-]*)["']?\s*(#.*)?$/.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const versions = found.get(match[1]) ?? new Set<string>();
    versions.add(match[2]);
    found.set(match[1], versions);
  }
  return found;
}
