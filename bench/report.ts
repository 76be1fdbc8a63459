/** The bench's printed figures: one row per contender, medians, and the ratio to the lower bound. */
import { median } from './measure.js';

export interface Contender {
  name: string;
  /** Why it was not measured ("ansible-playbook not installed: skipped"). */
  skipped?: string;
  wallMs: number[];
  peakRssKiB: Array<number | undefined>;
}

export const TARGET_RATIO = 1.25;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (kib: number | undefined) => (kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);

export function reportLines(
  contenders: readonly Contender[],
  lieutenants: readonly string[],
  lowerBound: string,
): string[] {
  const width = Math.max(...contenders.map((contender) => contender.name.length)) + 2;
  const lines = [`${'contender'.padEnd(width)}${'wall (median)'.padEnd(16)}${'each run'.padEnd(30)}peak RSS (median)`];
  for (const contender of contenders) {
    if (contender.skipped !== undefined) {
      lines.push(`${contender.name.padEnd(width)}${contender.skipped}`);
      continue;
    }
    const rss = contender.peakRssKiB.filter((value): value is number => value !== undefined);
    lines.push(
      `${contender.name.padEnd(width)}${seconds(median(contender.wallMs)).padEnd(16)}` +
        `${contender.wallMs
          .map((ms) => (ms / 1000).toFixed(2))
          .join(' ')
          .padEnd(30)}${mib(rss.length > 0 ? median(rss) : undefined)}`,
    );
  }
  const bound = contenders.find((contender) => contender.name === lowerBound);
  const ratios = lieutenants.flatMap((name) => {
    const ours = contenders.find((contender) => contender.name === name);
    if (!ours || !bound || ours.wallMs.length === 0 || bound.wallMs.length === 0) return [];
    const ratio = median(ours.wallMs) / median(bound.wallMs);
    return [
      `${name} / lower bound: ${ratio.toFixed(2)}× (${ratio <= TARGET_RATIO ? 'within' : 'NOT within'} the ${TARGET_RATIO}× target)`,
    ];
  });
  if (ratios.length > 0) lines.push('', ...ratios);
  return lines;
}
