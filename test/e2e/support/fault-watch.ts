/**
 * Oracles for the fault suite (faults-*.e2e.test.ts), read around Lieutenant:
 * what HAProxy served while the faults went on (the rotation sampler's
 * samples), what apt was doing on a host, and what the journal said about it.
 */
import { readFile } from 'node:fs/promises';
import type { RunEvent } from '../../../src/engine/index.js';
import type { Fleet } from '../../fleet/fleet.js';
import { fleetPaths } from '../../fleet/paths.js';
import type { RotationReport, RotationSample } from './rotation-sampler.js';
import type { TrafficReport } from './traffic.js';

/**
 * Whether HAProxy sends a server new requests in this status: `UP`, and `UP
 * 1/2` (up, its checks on the way down — or just started after a restart).
 * DRAIN, MAINT, DOWN and `DOWN 1/2` (on the way up) serve nobody new.
 */
export const isServing = (status: string): boolean => status.startsWith('UP');

/**
 * The most servers seen not serving at once, counting every cause — this
 * run's drains, HAProxy's own DOWN, someone else's maint — as the
 * maxUnavailable promise counts capacity; with the sample, for the message.
 */
export function maxNotServing(report: RotationReport): { count: number; sample?: RotationSample } {
  let worst: { count: number; sample?: RotationSample } = { count: 0 };
  for (const sample of report.samples) {
    const count = Object.values(sample.out).filter((status) => !isServing(status)).length;
    if (count > worst.count) worst = { count, sample };
  }
  return worst;
}

/** Samples between two wall-clock times (epoch ms) in which `host` was serving. */
export function servingBetween(report: RotationReport, host: string, from: number, to: number): RotationSample[] {
  return report.samples.filter((sample) => {
    const at = report.startedAt + sample.at;
    return at >= from && at <= to && isServing(sample.out[host] ?? 'UP');
  });
}

/** Epoch ms of a journal event. */
export const timeOf = (event: Pick<RunEvent, 'at'>): number => Date.parse(event.at);

/** Traffic failures caused by the application answering (HTTP errors), apart from connections HAProxy itself refused while it restarted. */
export function httpFailures(traffic: TrafficReport): Record<string, number> {
  return Object.fromEntries(Object.entries(traffic.failedBy).filter(([kind]) => kind.startsWith('HTTP')));
}

/** One line in the test output per fault case: how many requests HAProxy served and failed, by kind — the suite's figures. */
export function logTraffic(name: string, traffic: TrafficReport): void {
  console.log(
    `faults: ${name}: ${traffic.ok} requests ok, ${traffic.failed} failed ${JSON.stringify(traffic.failedBy)}`,
  );
}

/**
 * The fleet's HAProxy log, whole: its state-change lines carry the writing
 * process's pid ("[WARNING]  (PID) : Server app/web-01 is going DOWN for
 * maintenance"), which is how one process's lines are told apart. (Read
 * whole, not from a byte offset: HAProxy does not always append to it.)
 */
export async function haproxyLog(fleet: Fleet): Promise<string> {
  return readFile(fleetPaths(fleet.dir).haproxyLog, 'utf8').catch(() => '');
}

/** The servers a given HAProxy process put in maint, from its own log lines. */
export function putInMaintBy(log: string, pid: number): string[] {
  const pattern = new RegExp(
    `^\\[WARNING\\]\\s+\\(${pid}\\) : Server [^/]+/(\\S+) is going DOWN for maintenance`,
    'gm',
  );
  return [...log.matchAll(pattern)].map((match) => match[1] ?? '');
}
