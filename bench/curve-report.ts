/** The cost curve as printed: one line per fleet size and contender (medians), then the issue-13 targets. */
import { median } from './measure.js';

export interface Sample {
  wallMs: number;
  /** Spawn → the first host's drain starts; NaN for `plan` (it drains nothing). */
  firstDrainMs: number;
  peakRssKiB: number | undefined;
  cpuMs: number | undefined;
  /** SSH connections the hosts accepted, all hosts together. */
  connections: number;
  /** Remote commands the hosts ran, per host (mean), and the most any one host ran. */
  commandsPerHost: number;
  mostCommandsOnAHost: number;
}

export interface CurveRow {
  hosts: number;
  fleetUpMs: number;
  fleetPssKiB: number;
  lieutenant: Sample[];
  lowerBound: Sample[];
  /** `lieutenant plan`: reading every host and preflight, as run does before its first drain. */
  plan: Sample[];
}

/** The start-up targets at scale (benchmarks, never assertions). */
export const TARGETS = {
  ratio: 1.1,
  firstDrainMs: { 100: 3_000, 300: 10_000 } as Record<number, number>,
  peakRssMiB300: 300,
  commandsBeforeBatch: 1,
  planMs300: 10_000,
};

const med = (samples: readonly Sample[], pick: (sample: Sample) => number | undefined) => {
  const values = samples.map(pick).filter((value): value is number => value !== undefined && !Number.isNaN(value));
  return values.length === 0 ? Number.NaN : median(values);
};
const s = (ms: number) => (Number.isNaN(ms) ? '-' : `${(ms / 1000).toFixed(2)} s`);
const mib = (kib: number) => (Number.isNaN(kib) ? '-' : `${(kib / 1024).toFixed(0)} MiB`);
const n = (value: number, digits = 0) => (Number.isNaN(value) ? '-' : value.toFixed(digits));

const COLUMNS = [
  'hosts',
  'contender',
  'wall',
  'first drain',
  'peak RSS',
  'CPU',
  'SSH conns',
  'cmds/host',
  'most on a host',
];

function cells(hosts: number, name: string, samples: readonly Sample[]): string[] {
  return [
    String(hosts),
    name,
    s(med(samples, (x) => x.wallMs)),
    s(med(samples, (x) => x.firstDrainMs)),
    mib(med(samples, (x) => x.peakRssKiB)),
    s(med(samples, (x) => x.cpuMs)),
    n(med(samples, (x) => x.connections)),
    n(
      med(samples, (x) => x.commandsPerHost),
      1,
    ),
    n(med(samples, (x) => x.mostCommandsOnAHost)),
  ];
}

/** A Markdown table (pasted into the README as it is printed). */
function table(rows: string[][]): string[] {
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function verdict(ok: boolean, what: string): string {
  return `${ok ? 'met' : 'MISSED'}: ${what}`;
}

export function curveLines(rows: readonly CurveRow[]): string[] {
  const lines = [
    'cost curve (medians; SSH conns and cmds counted by the hosts’ sshd; CPU = user + system of the process and its children):',
    ...table(
      rows.flatMap((row) => [
        cells(row.hosts, 'lieutenant run', row.lieutenant),
        cells(row.hosts, 'lower bound (bash + OpenSSH)', row.lowerBound),
        cells(row.hosts, 'lieutenant plan', row.plan),
      ]),
    ),
    '',
    'fleet: ' +
      rows
        .map(
          (row) =>
            `${row.hosts} hosts up in ${s(row.fleetUpMs)}, ${mib(row.fleetPssKiB)} PSS (${(row.fleetPssKiB / 1024 / row.hosts).toFixed(1)} MiB/host)`,
        )
        .join('; '),
    '',
    'targets:',
  ];
  for (const row of rows) {
    const ratio = med(row.lieutenant, (x) => x.wallMs) / med(row.lowerBound, (x) => x.wallMs);
    const firstDrain = med(row.lieutenant, (x) => x.firstDrainMs);
    const target = TARGETS.firstDrainMs[row.hosts];
    const before = med(row.plan, (x) => x.mostCommandsOnAHost);
    const planMs = med(row.plan, (x) => x.wallMs);
    const rss = med(row.lieutenant, (x) => x.peakRssKiB) / 1024;
    lines.push(`  ${row.hosts} hosts:`);
    if (row.hosts >= 100)
      lines.push(
        `    ${verdict(ratio <= TARGETS.ratio, `run ${ratio.toFixed(2)}× the lower bound (target ≤ ${TARGETS.ratio}×)`)}`,
      );
    else lines.push(`    run ${ratio.toFixed(2)}× the lower bound (no target at this size)`);
    if (target !== undefined)
      lines.push(
        `    ${verdict(firstDrain <= target, `spawn → first drain ${s(firstDrain)} (target ≤ ${s(target)})`)}`,
      );
    lines.push(
      `    ${verdict(before <= TARGETS.commandsBeforeBatch, `at most ${n(before)} remote command per host before its batch (plan: the same reads and preflight; target ≤ 1)`)}`,
    );
    if (row.hosts >= 300) {
      lines.push(
        `    ${verdict(rss <= TARGETS.peakRssMiB300, `peak RSS ${rss.toFixed(0)} MiB (target ≤ ${TARGETS.peakRssMiB300} MiB)`)}`,
      );
      lines.push(`    ${verdict(planMs <= TARGETS.planMs300, `plan ${s(planMs)} (target ≤ ${s(TARGETS.planMs300)})`)}`);
    }
  }
  return lines;
}
