/** The last few things that happened. */
import { Box, Text } from 'ink';
import type { TailEntry } from '../run-view.js';
import { formatClock } from '../format.js';

const COLOR = { info: undefined, warn: 'yellow', error: 'red' } as const;

export function Tail({
  entries,
  count,
  timeZone,
}: {
  entries: readonly TailEntry[];
  count: number;
  timeZone: string | undefined;
}) {
  if (count <= 0) return null;
  return (
    <Box flexDirection="column">
      {entries.slice(-count).map((entry, i) => (
        <Text key={`${entry.at}-${i}`} color={COLOR[entry.level]} wrap="truncate-end">
          <Text color="gray">{formatClock(entry.at, timeZone)}</Text> {entry.text}
        </Text>
      ))}
    </Box>
  );
}
