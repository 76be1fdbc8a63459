/** The batches, as `layoutBatches` folded them to fit. */
import { Box, Text } from 'ink';
import type { StateCounts } from '../run-view.js';
import { plural } from '../format.js';
import type { BatchItem } from './layout.js';
import { HostRow } from './HostRow.js';
import { STATE_LABEL } from './symbols.js';

const COUNT_ORDER = [
  'failed',
  'rolling-back',
  'draining',
  'upgrading',
  'checking',
  'returning',
  'rolled-back',
  'done',
  'unchanged',
  'waiting',
] as const;

/** `2 in rotation · 1 upgrading · 1 waiting` */
export function countsText(counts: StateCounts): string {
  return COUNT_ORDER.filter((state) => counts[state] > 0)
    .map((state) => `${counts[state]} ${STATE_LABEL[state]}`)
    .join(' · ');
}

const range = (from: number, to: number, batches: number) =>
  from === to ? `batch ${from}/${batches}` : `batches ${from}–${to}/${batches}`;

export function BatchList({ items, now }: { items: BatchItem[]; now: number }) {
  return (
    <Box flexDirection="column">
      {items.map((item) => {
        switch (item.kind) {
          case 'folded':
            return (
              <Text key={`f${item.from}`} wrap="truncate-end">
                <Text color={item.failed ? 'red' : 'green'}>{item.failed ? '✘' : '✔'}</Text>{' '}
                {range(item.from, item.to, item.batches)} {item.group}
                {'  '}
                {countsText(item.counts)}
              </Text>
            );
          case 'pending':
            return (
              <Text key={`p${item.from}`} color="gray" wrap="truncate-end">
                · {range(item.from, item.to, item.batches)} pending ({plural(item.hosts, 'host')})
              </Text>
            );
          case 'filtered': {
            const nameWidth = Math.max(4, ...item.hosts.map((host) => host.name.length));
            const hidden = item.matches - item.hosts.length;
            return (
              <Box key="filtered" flexDirection="column">
                <Text wrap="truncate-end">
                  <Text bold>/{item.filter}</Text> {plural(item.matches, 'host')} match{item.matches === 1 ? 'es' : ''}{' '}
                  <Text color="gray">(Esc clears)</Text>
                </Text>
                {item.hosts.map((host) => (
                  <HostRow key={host.name} host={host} nameWidth={nameWidth} now={now} />
                ))}
                {hidden > 0 ? <Text color="gray">{`    … ${plural(hidden, 'more host')}`}</Text> : null}
              </Box>
            );
          }
          case 'expanded': {
            const nameWidth = Math.max(4, ...item.hosts.map((host) => host.name.length));
            const { batch } = item;
            const mark = batch.status === 'failed' ? '✘' : batch.status === 'done' ? '✔' : '▶';
            return (
              <Box key={`e${batch.index}`} flexDirection="column">
                <Text wrap="truncate-end">
                  <Text bold>
                    {mark} batch {batch.index}/{batch.batches} {batch.group}
                  </Text>{' '}
                  ({plural(batch.hosts.length, 'host')}) {countsText(batch.counts)}
                </Text>
                {item.hosts.map((host) => (
                  <HostRow key={host.name} host={host} nameWidth={nameWidth} now={now} />
                ))}
                {item.hidden > 0 ? <Text color="gray">{`    … ${plural(item.hidden, 'more host')}`}</Text> : null}
              </Box>
            );
          }
        }
      })}
    </Box>
  );
}
