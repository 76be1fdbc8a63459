/** Per group: how much of it serves traffic — in rotation, draining, out; past `max` groups, the rest as one line of counts. */
import { Box, Text } from 'ink';
import type { GroupView } from '../run-view.js';

const BAR = 20;

export function LoadBalancerBars({ groups, max }: { groups: readonly GroupView[]; max: number }) {
  // With more groups than lines, those with hosts out of rotation come first; the rest fold into one line of counts.
  const ordered = groups.length <= max ? groups : [...groups].sort((a, b) => b.out + b.draining - (a.out + a.draining));
  const shown = ordered.slice(0, max);
  const rest = ordered.slice(max);
  const sum = (field: 'inRotation' | 'draining' | 'out') => rest.reduce((total, group) => total + group[field], 0);
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
      {rest.length > 0 ? (
        <Text color="gray" wrap="truncate-end">
          … {rest.length} more group{rest.length === 1 ? '' : 's'}: {sum('inRotation')} in rotation · {sum('draining')}{' '}
          draining · {sum('out')} out
        </Text>
      ) : null}
    </Box>
  );
}
