/**
 * The analysis of the batch just back in rotation, live: per metric its
 * conditions, one mark per measurement (✓ pass, ✗ fail, ? inconclusive,
 * · still to come), the last value and why. Shown while it measures, while
 * its gate waits, and while a failed one is rolled back.
 */
import { Box, Text } from 'ink';
import type { AnalysisPhase } from '../../engine/index.js';
import { formatNumber } from '../../core/analysis.js';
import { formatElapsed } from '../format.js';
import type { AnalysisView, GateView, RunView } from '../run-view.js';

const MARK: Record<AnalysisPhase, string> = { pass: '✓', fail: '✗', inconclusive: '?' };
const COLOR: Record<AnalysisPhase, string> = { pass: 'green', fail: 'red', inconclusive: 'yellow' };

/** The analysis to show, if any: the latest one, while it matters. */
export function shownAnalysis(view: RunView): AnalysisView | undefined {
  const latest = view.analyses.at(-1);
  if (latest === undefined || view.result !== undefined) return undefined;
  if (latest.verdict === undefined || latest.action === 'fail') return latest;
  return view.gate?.afterBatch === latest.batch ? latest : undefined;
}

/** Lines the panel takes: a heading, one per metric, the border. */
export const analysisLines = (analysis: AnalysisView | undefined): number =>
  analysis === undefined ? 0 : analysis.metrics.length + 3;

export function AnalysisPanel({ analysis, gate }: { analysis: AnalysisView; gate: GateView | undefined }) {
  const taken = Math.max(0, ...analysis.metrics.map((metric) => metric.measurements.length));
  const nameWidth = Math.max(...analysis.metrics.map((metric) => metric.name.length));
  const heading =
    analysis.verdict === undefined
      ? `measuring ${taken}/${analysis.count}, every ${formatElapsed(analysis.intervalMs)}`
      : analysis.verdict === 'fail'
        ? 'failed — the batch fails (strategy.onFailure)'
        : analysis.verdict === 'inconclusive'
          ? gate?.pause === 'analysis'
            ? 'inconclusive — a person decides (--yes does not answer)'
            : 'inconclusive'
          : 'passed';
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={analysis.verdict ? COLOR[analysis.verdict] : 'gray'}
      paddingX={1}
    >
      <Text bold wrap="truncate-end">
        Analysis after batch {analysis.batch}: {heading}
      </Text>
      {analysis.metrics.map((metric) => {
        const last = metric.measurements.at(-1);
        const conditions = `pass ${metric.pass}${metric.fail ? `, fail ${metric.fail}` : ''}`;
        return (
          <Text key={metric.name} wrap="truncate-end">
            {metric.name.padEnd(nameWidth)}{' '}
            {metric.measurements.map((m, i) => (
              <Text key={i} color={COLOR[m.phase]}>
                {MARK[m.phase]}
              </Text>
            ))}
            <Text color="gray">{'·'.repeat(Math.max(0, analysis.count - metric.measurements.length))}</Text>
            {metric.verdict ? <Text color={COLOR[metric.verdict]}> {metric.verdict}</Text> : null}
            <Text color="gray"> ({conditions})</Text>
            {last ? ` ${last.value === null ? '' : `${formatNumber(last.value)} — `}${last.reason}` : ''}
          </Text>
        );
      })}
    </Box>
  );
}
