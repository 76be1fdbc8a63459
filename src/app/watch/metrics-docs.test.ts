/** docs/operations.md's metrics table against what `/metrics` really exposes: every name, with its type. */
import { describe, expect, it } from 'vitest';
import { markedTable, readDoc } from '../../testing/docs-markdown.js';
import { createWatchMetrics, METRIC_NAMES } from './metrics.js';

const PAGE = 'operations.md';

describe('docs/operations.md metrics', () => {
  it('Given the metrics table, Then it lists exactly the metrics /metrics exposes, in order, each with its type', async () => {
    // Given the table
    const rows = markedTable(await readDoc(PAGE), 'metrics', [], PAGE).rows;
    const documented = rows.map((row) => [/`([a-z_]+)`/.exec(row[0] ?? '')?.[1], row[1]]);
    // When a watcher's metrics are scraped
    const metrics = createWatchMetrics({
      lockProbe: { environments: () => Promise.resolve([]), held: () => Promise.resolve(false) },
      health: { cycles: () => 0, lastCycleEndedAt: () => undefined },
      now: () => 0,
    });
    const { text } = await metrics.scrape();
    const exposed = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1], match[2]]);
    // Then
    expect(documented).toEqual(exposed);
    expect(exposed.map(([name]) => name)).toEqual([...METRIC_NAMES]);
  });
});
