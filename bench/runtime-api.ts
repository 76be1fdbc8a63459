/**
 * What one Lieutenant rollout cost HAProxy's runtime API, from the run log:
 * at the end of every run, `lieutenant run` writes one pino line
 * `msg: "haproxy.runtime-api"` with each load balancer's commands,
 * connections, retries, failures and peak of connections open at once.
 */
import { readFile } from 'node:fs/promises';
import type { RuntimeUsage } from '../src/adapters/haproxy/index.js';
import { listRuns, runLogPath } from '../src/records/index.js';
import { median } from './measure.js';

/** Summed over the load balancers (the bench has one); undefined when the newest run logged none. */
export async function runtimeApiUsage(repoDir: string): Promise<RuntimeUsage | undefined> {
  const [newest] = await listRuns(repoDir);
  if (newest === undefined) return undefined;
  const text = await readFile(runLogPath(repoDir, newest), 'utf8').catch(() => '');
  const line = text
    .split('\n')
    .filter((candidate) => candidate.includes('"haproxy.runtime-api"'))
    .map((candidate) => JSON.parse(candidate) as { msg?: string; loadBalancers?: Record<string, RuntimeUsage> })
    .find((entry) => entry.msg === 'haproxy.runtime-api');
  if (!line?.loadBalancers) return undefined;
  const all = Object.values(line.loadBalancers);
  return {
    commands: sum(all.map((usage) => usage.commands)),
    connections: sum(all.map((usage) => usage.connections)),
    retries: sum(all.map((usage) => usage.retries)),
    failures: sum(all.map((usage) => usage.failures)),
    peakConnections: Math.max(0, ...all.map((usage) => usage.peakConnections)),
  };
}

export function describeUsage(usage: RuntimeUsage | undefined): string {
  if (!usage) return 'runtime API: not logged';
  return (
    `runtime API ${usage.commands} commands / ${usage.connections} connections` +
    ` (${usage.retries} retries, ${usage.failures} failed, at most ${usage.peakConnections} open)`
  );
}

/** Median of each figure over the runs. */
export function medianUsage(runs: readonly RuntimeUsage[]): RuntimeUsage | undefined {
  if (runs.length === 0) return undefined;
  const of = (pick: (usage: RuntimeUsage) => number) => median(runs.map(pick));
  return {
    commands: of((usage) => usage.commands),
    connections: of((usage) => usage.connections),
    retries: of((usage) => usage.retries),
    failures: of((usage) => usage.failures),
    peakConnections: Math.max(...runs.map((usage) => usage.peakConnections)),
  };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
