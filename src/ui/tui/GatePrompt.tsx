/**
 * The pause gate: "Batch 1/2 done — 3 hosts healthy on demo 1.1." with the
 * keys to answer, a countdown for a timed pause, and a one-line reason input
 * once a key is chosen. Keys are handled by RunTui; this only draws.
 */
import { Box, Text } from 'ink';
import type { GateDecision } from '../../engine/index.js';
import type { GateView } from '../run-view.js';
import { formatElapsed } from '../format.js';

export type GateMode = { kind: 'choose' } | { kind: 'reason'; decision: GateDecision; text: string };

const CHOSEN: Record<GateDecision, string> = { approve: 'approve', abort: 'abort and roll back', halt: 'halt' };

export function GatePrompt({
  gate,
  answerable,
  answered,
  mode,
  now,
}: {
  gate: GateView;
  answerable: boolean;
  answered: GateDecision | undefined;
  mode: GateMode;
  now: number;
}) {
  const summary = gate.summary.endsWith('.') ? gate.summary : `${gate.summary}.`;
  const countdown =
    gate.pause === 'timed' && gate.until !== undefined ? ` Continuing in ${formatElapsed(gate.until - now)}.` : '';
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      <Text bold wrap="truncate-end">
        {summary}
        {countdown}
      </Text>
      {!answerable && answered !== undefined ? (
        <Text color="gray">{CHOSEN[answered]}: sent</Text>
      ) : !answerable ? (
        <Text color="gray">waiting for an answer (lieutenant approve / lieutenant abort)</Text>
      ) : mode.kind === 'choose' ? (
        <Text>
          <Text color="green">[a]</Text>
          {' approve  '}
          <Text color="red">[x]</Text>
          {' abort and roll back  '}
          <Text color="yellow">[h]</Text>
          {' halt  '}
          <Text color="cyan">[d]</Text>
          {' details'}
        </Text>
      ) : (
        <Text wrap="truncate-end">
          {CHOSEN[mode.decision]} — reason (enter to skip, esc to go back): {mode.text}
          <Text inverse> </Text>
        </Text>
      )}
    </Box>
  );
}
