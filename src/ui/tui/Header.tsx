/** Rollout, environment, commit, operator, elapsed — and where the run stands. */
import { Box, Text } from 'ink';
import type { RunView } from '../run-view.js';
import { formatElapsed, plural, shortSha } from '../format.js';
import { countsText } from './BatchList.js';

export function Header({ view, now }: { view: RunView; now: number }) {
  const header = view.header;
  if (header === undefined) return <Text color="gray">lieutenant: waiting for the run to start…</Text>;
  const end = view.result?.finishedAt ?? now;
  const hosts = view.hosts.size;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>lieutenant</Text> {header.rollout} on <Text bold>{header.environment}</Text> ·{' '}
        {shortSha(header.commit.sha)} "{header.commit.subject}" · {header.operator} ·{' '}
        {formatElapsed(end - header.startedAt)}
      </Text>
      <Text color="gray" wrap="truncate-end">
        run {header.runId}
        {header.resumes === undefined ? '' : ` (resumes ${header.resumes})`} · {plural(hosts, 'host')} in{' '}
        {view.batches.length} batch
        {view.batches.length === 1 ? '' : 'es'} · {countsText(view.counts)}
      </Text>
    </Box>
  );
}
