/** Per group: how much of it serves traffic — in rotation, draining, out. */
import { Box, Text } from 'ink';
import type { GroupView } from '../run-view.js';

const BAR = 20;

export function LoadBalancerBars({ groups, max }: { groups: readonly GroupView[]; max: number }) {
  const shown = groups.slice(0, max);
  const nameWidth = Math.max(...shown.map((g) => g.name.length), 4);
  return (
    <Box flexDirection="column">
      {shown.map((group) => {
        const size = Math.max(group.size, 1);
        // Out and draining round up so a single host out of a thousand still shows.
        const out = group.out === 0 ? 0 : Math.max(1, Math.round((group.out / size) * BAR));
        const draining = group.draining === 0 ? 0 : Math.max(1, Math.round((group.draining / size) * BAR));
        const inRotation = Math.max(0, BAR - out - draining);
        return (
          <Text key={group.name} wrap="truncate-end">
            {group.name.padEnd(nameWidth)} <Text color="green">{'█'.repeat(inRotation)}</Text>
            <Text color="yellow">{'▒'.repeat(draining)}</Text>
            <Text color="red">{'░'.repeat(out)}</Text> {group.inRotation} in rotation · {group.draining} draining ·{' '}
            {group.out} out
          </Text>
        );
      })}
      {groups.length > shown.length ? <Text color="gray">… {groups.length - shown.length} more groups</Text> : null}
    </Box>
  );
}
