/**
 * What a running fleet costs in memory: every process of it (sshd listeners,
 * the demo service(s), HAProxy), summed as PSS — proportional set size, each
 * shared page split among the processes sharing it, so 300 sshd listeners
 * mapping the same binary are not counted 300 times (their RSS sum would be).
 */
import { readFile } from 'node:fs/promises';
import { findFleetProcesses } from './processes.js';
import { readState } from './state.js';

export interface FleetMemory {
  processes: number;
  pssKiB: number;
  rssKiB: number;
}

async function rollup(pid: number): Promise<{ pss: number; rss: number }> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { pss: field('Pss'), rss: field('Rss') };
}

export async function measureFleetMemory(dir: string): Promise<FleetMemory> {
  const state = await readState(dir);
  const namespaces = state?.hosts.flatMap((host) => (host.mountNamespace ? [host.mountNamespace] : [])) ?? [];
  const pids = await findFleetProcesses(dir, namespaces);
  const sizes = await Promise.all(pids.map(rollup));
  return {
    processes: pids.length,
    pssKiB: sizes.reduce((sum, size) => sum + size.pss, 0),
    rssKiB: sizes.reduce((sum, size) => sum + size.rss, 0),
  };
}

export function describeMemory(memory: FleetMemory, hosts: number): string {
  const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
  return (
    `${memory.processes} processes, ${mib(memory.pssKiB)} PSS in all (${(memory.pssKiB / 1024 / Math.max(1, hosts)).toFixed(1)} MiB per host; ` +
    `RSS summed without sharing: ${mib(memory.rssKiB)})`
  );
}
