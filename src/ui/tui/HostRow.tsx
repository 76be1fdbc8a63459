/** One host: mark (spinner while working), name, state, versions, step and health. */
import { Box, Text } from 'ink';
import type { HostView } from '../run-view.js';
import { formatElapsed, versionChanges } from '../format.js';
import { STATE_COLOR, STATE_LABEL, STATE_MARK, spinnerFrame } from './symbols.js';
import { isWorking } from './layout.js';

export function HostRow({ host, nameWidth, now }: { host: HostView; nameWidth: number; now: number }) {
  const working = isWorking(host);
  const mark = working ? spinnerFrame(now) : (STATE_MARK[host.state] ?? ' ');
  const color = STATE_COLOR[host.state] ?? (working ? 'cyan' : undefined);
  return (
    <Box>
      <Text wrap="truncate-end">
        {'  '}
        <Text color={color}>{mark}</Text> {host.name.padEnd(nameWidth)}{' '}
        <Text color={color}>{STATE_LABEL[host.state].padEnd(12)}</Text> {versionChanges(host.from, host.to).padEnd(16)}
        {detail(host, now)}
      </Text>
    </Box>
  );
}

function detail(host: HostView, now: number): string {
  const parts: string[] = [];
  if (isWorking(host) && host.step !== undefined && host.stepStartedAt !== undefined) {
    parts.push(`${host.step} ${formatElapsed(now - host.stepStartedAt)}`);
  }
  if (host.threshold > 0 && (host.state === 'checking' || host.state === 'rolling-back' || host.state === 'failed')) {
    parts.push(`health ${host.passes}/${host.threshold}`);
  }
  if (host.cordon !== undefined) parts.push(host.cordon.slice(host.name.length + 1));
  if (host.state === 'failed' || host.state === 'rolled-back') {
    if (host.reason !== undefined) parts.push(host.reason);
  } else if (host.lastCheck !== undefined && host.lastCheck.phase !== 'pass' && isWorking(host)) {
    parts.push(`last: ${host.lastCheck.reason ?? host.lastCheck.phase}`);
  }
  return parts.length === 0 ? '' : `  ${parts.join(' · ')}`;
}
