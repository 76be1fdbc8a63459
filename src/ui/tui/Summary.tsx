/** The end: result, what changed, who is out, how to roll back. */
import { Box, Text } from 'ink';
import type { RunView } from '../run-view.js';
import { summaryLines } from '../summary.js';

export function Summary({ view }: { view: RunView }) {
  const result = view.result;
  if (result === undefined) return null;
  const [first, ...rest] = summaryLines(view);
  const color = result.exitCode === 0 ? 'green' : result.result === 'aborted' ? 'yellow' : 'red';
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color} paddingX={1}>
      <Text color={color} bold>
        {first}
      </Text>
      {rest.map((line) => (
        <Text key={line}>{line}</Text>
      ))}
    </Box>
  );
}
