/**
 * The run, live: header, batches (folded to fit the terminal), load-balancer
 * bars, recent events, the analysis of the last batch, the gate, and the
 * summary. Redraws on a frame clock — at most 1000/frameMs a second however
 * fast events arrive; a change that must show at once (a gate, Ctrl-C) is
 * drawn at once only if no frame was drawn within frameMs, else on the next.
 * `/` types a filter (host name, group or state), Enter keeps it, Esc clears it.
 */
import { useEffect, useRef, useState } from 'react';
import { Box, Text, useApp, useInput, useStdin, useStdout } from 'ink';
import type { GateDecision } from '../../engine/index.js';
import type { TuiController } from './controller.js';
import { layoutBatches } from './layout.js';
import { Header } from './Header.js';
import { BatchList } from './BatchList.js';
import { LoadBalancerBars } from './LoadBalancerBars.js';
import { Tail } from './Tail.js';
import { GatePrompt, type GateMode } from './GatePrompt.js';
import { Summary } from './Summary.js';
import { AnalysisPanel, analysisLines, shownAnalysis } from './AnalysisPanel.js';
import { summaryLines } from '../summary.js';

export interface RunTuiProps {
  controller: TuiController;
  /** Milliseconds between redraws: 100 = at most 10 a second. */
  frameMs?: number;
  now?: () => number;
  timeZone?: string;
  /** Terminal size; read from stdout when omitted. */
  rows?: number;
  columns?: number;
}

/** The `/` filter: its text, and whether keys still go to it. */
interface Filter {
  text: string;
  typing: boolean;
}

const KEYS: Record<string, GateDecision> = { a: 'approve', x: 'abort', h: 'halt' };
const MAX_GROUP_BARS = 3;

export function RunTui({ controller, frameMs = 100, now = Date.now, timeZone, rows, columns }: RunTuiProps) {
  const [, setFrame] = useState(0);
  const [details, setDetails] = useState(false);
  const [filter, setFilterState] = useState<Filter | undefined>(undefined);
  const filterRef = useRef<Filter | undefined>(filter);
  const setFilter = (next: Filter | undefined) => {
    filterRef.current = next;
    setFilterState(next);
  };
  const [mode, setModeState] = useState<GateMode>({ kind: 'choose' });
  // Keys can arrive faster than React re-renders: the handler reads the latest mode from here.
  const modeRef = useRef<GateMode>(mode);
  const setMode = (next: GateMode) => {
    modeRef.current = next;
    setModeState(next);
  };
  const { exit } = useApp();
  const { stdout } = useStdout();
  const { isRawModeSupported } = useStdin();

  useEffect(() => {
    // Real time (not `now`, which tests pin to draw elapsed times): what the frame rate is about.
    let drawnAt = -Infinity;
    const redraw = () => {
      drawnAt = Date.now();
      setFrame((frame) => frame + 1);
    };
    // The controller's dirty flag is left set when too soon: the next frame draws it.
    const unsubscribe = controller.subscribe(() => {
      if (Date.now() - drawnAt >= frameMs) redraw();
    });
    const timer = setInterval(() => {
      // While running, every frame (spinners, elapsed times); after the end, only on change.
      if (controller.takeDirty() || (controller.view().header !== undefined && controller.view().result === undefined))
        redraw();
    }, frameMs);
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }, [controller, frameMs]);

  const view = controller.view();
  const pending = controller.pendingGate();
  const finished = view.result !== undefined;

  useEffect(() => {
    if (pending === undefined && modeRef.current.kind !== 'choose') setMode({ kind: 'choose' });
  }, [pending]);
  useEffect(() => {
    if (finished) exit();
  }, [finished, exit]);

  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') {
        controller.interrupt();
        return;
      }
      const typed = filterRef.current;
      if (typed?.typing) {
        const lineEnd = input.search(/[\r\n]/);
        if (key.escape) setFilter(undefined);
        else if (key.return || lineEnd >= 0) {
          // As with a reason: a paste delivers "text\r" as one input.
          const text = typed.text + (lineEnd > 0 ? input.slice(0, lineEnd) : '');
          setFilter(text === '' ? undefined : { text, typing: false });
        } else if (key.backspace || key.delete) setFilter({ ...typed, text: typed.text.slice(0, -1) });
        else if (!key.ctrl && !key.meta && input !== '') setFilter({ ...typed, text: typed.text + input });
        return;
      }
      const reasonTyped = modeRef.current.kind === 'reason' && controller.pendingGate() !== undefined;
      if (!reasonTyped && input === '/') return setFilter({ text: '', typing: true });
      if (!reasonTyped && key.escape && typed !== undefined) return setFilter(undefined);
      if (controller.pendingGate() === undefined) return;
      const current = modeRef.current;
      if (current.kind === 'reason') {
        // A paste (or a fast terminal) delivers "text\r" as one input: the line break still ends the reason.
        const lineEnd = input.search(/[\r\n]/);
        if (key.return || lineEnd >= 0) {
          setMode({ kind: 'choose' });
          controller.answer(current.decision, current.text + (lineEnd > 0 ? input.slice(0, lineEnd) : ''));
        } else if (key.escape) setMode({ kind: 'choose' });
        else if (key.backspace || key.delete) setMode({ ...current, text: current.text.slice(0, -1) });
        else if (!key.ctrl && !key.meta && input !== '')
          setMode({ ...current, text: current.text + input.replace(/[\r\n]/g, '') });
        return;
      }
      const decision = KEYS[input];
      if (decision !== undefined) setMode({ kind: 'reason', decision, text: '' });
      else if (input === 'd') setDetails((shown) => !shown);
    },
    { isActive: isRawModeSupported },
  );

  const time = now();
  const height = rows ?? stdout.rows ?? 24;
  const width = columns ?? stdout.columns ?? 100;
  const groups = [...view.groups.values()];
  const gate = view.gate;
  const stopping = controller.interrupts() > 0 || view.stopping !== undefined;
  const analysis = shownAnalysis(view);
  const fixed =
    2 + // header
    analysisLines(analysis) +
    Math.min(groups.length, MAX_GROUP_BARS) +
    (groups.length > MAX_GROUP_BARS ? 1 : 0) +
    (gate !== undefined ? 4 : 0) +
    (stopping && !finished ? 1 : 0) +
    (filter?.typing ? 1 : 0) +
    (finished ? summaryLines(view).length + 2 : 0) +
    1; // the line the cursor rests on
  let tail = finished ? 3 : 4;
  if (height - fixed - tail < 4) tail = Math.max(0, height - fixed - 4);
  const batchLines = Math.max(2, height - fixed - tail);
  const items = layoutBatches(
    view,
    batchLines,
    details && gate !== undefined ? gate.afterBatch : undefined,
    filter?.text,
  );

  return (
    <Box flexDirection="column" width={width}>
      <Header view={view} now={time} />
      <BatchList items={items} now={time} />
      <LoadBalancerBars groups={groups} max={MAX_GROUP_BARS} />
      <Tail entries={view.tail} count={tail} timeZone={timeZone} />
      {analysis !== undefined ? <AnalysisPanel analysis={analysis} gate={gate} /> : null}
      {gate !== undefined && !finished ? (
        <GatePrompt
          gate={gate}
          answerable={pending !== undefined}
          answered={controller.lastAnswer()?.decision}
          mode={mode}
          now={time}
        />
      ) : null}
      {stopping && !finished ? (
        <StoppingLine force={controller.interrupts() > 1 || view.stopping?.force === true} />
      ) : null}
      {filter?.typing ? (
        <Text>
          filter: /{filter.text}
          <Text inverse> </Text> <Text color="gray">(Enter keeps it, Esc clears)</Text>
        </Text>
      ) : null}
      <Summary view={view} />
    </Box>
  );
}

function StoppingLine({ force }: { force: boolean }) {
  return (
    <Text color="yellow">
      {force
        ? 'stopping now: abandoning hosts in flight (resume later with lieutenant resume)'
        : 'stopping: finishing hosts in flight… (Ctrl-C again to force)'}
    </Text>
  );
}
