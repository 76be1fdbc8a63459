/**
 * What an operator reads after the fact: `lieutenant status --json` (one
 * line per host, then per environment) and `lieutenant history --json` (one
 * line per run), parsed from the real CLI's output.
 */
import { expect } from 'vitest';
import type { HostStatus } from '../../../src/app/status-service.js';
import type { HistoryEntry } from '../../../src/app/history-service.js';
import { runLieutenant } from './lieutenant.js';
import type { RolloutRepo } from './rollout-repo.js';

function lines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * `status --json`: host name → its status line. Fails the test unless the
 * command exits as documented for what it reports: 1 with a problem (a host
 * unreachable or out of rotation), else 6 when something differs from Git
 * (drift, a rollout not deployed, a pending sync), else 0.
 */
export async function statusHosts(repo: Pick<RolloutRepo, 'dir'>): Promise<Record<string, HostStatus>> {
  const status = await runLieutenant(['status', '--json'], { repo });
  const environments = lines(status.stdout).filter((line) => line.type === 'environment');
  const hosts = lines(status.stdout).filter((line) => line.type === 'host') as unknown as HostStatus[];
  const problems = environments.flatMap((env) => (env.problems as string[] | undefined) ?? []);
  const differs =
    hosts.some((host) => host.drift.length > 0) ||
    environments.some(
      (env) =>
        ((env.pending as string[]) ?? []).length > 0 || (env.sync as { pending?: unknown }).pending !== undefined,
    );
  expect(status.code, status.output).toBe(problems.length > 0 ? 1 : differs ? 6 : 0);
  return Object.fromEntries(hosts.map((host) => [host.host, host]));
}

/** `history --json`, newest first. */
export async function historyEntries(repo: Pick<RolloutRepo, 'dir'>): Promise<HistoryEntry[]> {
  const history = await runLieutenant(['history', '--json'], { repo });
  expect(history.code, history.output).toBe(0);
  return lines(history.stdout) as unknown as HistoryEntry[];
}

/** host → the field of its status line, for one-line comparisons. */
export function pick<K extends keyof HostStatus>(
  hosts: Record<string, HostStatus>,
  key: K,
): Record<string, HostStatus[K]> {
  return Object.fromEntries(Object.entries(hosts).map(([name, host]) => [name, host[key]]));
}
