/**
 * Everything the TUI holds outside React: the run view (reduced on every
 * event, synchronously and cheaply — the engine's emit never waits on a
 * redraw), the gate question the engine is waiting on (the TUI is an
 * `Approver`), and Ctrl-C presses. Redraws are paced by the view's frame
 * clock, not by events: a dirty flag says whether there is anything new.
 */
import type { RunEventListener } from '../../engine/index.js';
import type { Approver, GateAnswer, GateDecision, GateRequest } from '../../engine/index.js';
import { initialRunView, reduce, type RunView } from '../run-view.js';

export interface TuiControllerOptions {
  /** Called on each Ctrl-C with how many so far: 1 = stop safely, 2 = force. */
  onInterrupt: (count: number) => void;
  /** Who answers gates from the keyboard; the run's operator when omitted. */
  operator?: string;
}

export interface TuiController {
  readonly onEvent: RunEventListener;
  readonly approver: Approver;
  view(): RunView;
  /** The gate the engine is waiting on an answer for, if any. */
  pendingGate(): GateRequest | undefined;
  interrupts(): number;
  /** The last answer given from the keyboard (shown until the engine confirms it). */
  lastAnswer(): GateAnswer | undefined;
  answer(decision: GateDecision, reason?: string): void;
  interrupt(): void;
  /** True (once) when something changed since the last call. */
  takeDirty(): boolean;
  /** For changes that must show at once (a gate question, Ctrl-C, the end). */
  subscribe(listener: () => void): () => void;
}

export function createTuiController(options: TuiControllerOptions): TuiController {
  let view = initialRunView();
  let dirty = true;
  let interrupts = 0;
  let lastAnswer: GateAnswer | undefined;
  let pending: { request: GateRequest; resolve: (answer: GateAnswer) => void } | undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    dirty = true;
    for (const listener of listeners) listener();
  };

  return {
    onEvent(event) {
      view = reduce(view, event);
      dirty = true;
      if (event.type === 'gate.waiting' || event.type === 'run.stopping' || event.type === 'run.finished') notify();
    },
    approver: {
      await(request, signal) {
        signal.throwIfAborted();
        return new Promise<GateAnswer>((resolve, reject) => {
          const onAbort = () => {
            if (pending?.request === request) pending = undefined;
            notify();
            reject(signal.reason);
          };
          signal.addEventListener('abort', onAbort, { once: true });
          pending = {
            request,
            resolve: (answer) => {
              signal.removeEventListener('abort', onAbort);
              resolve(answer);
            },
          };
          notify();
        });
      },
    },
    view: () => view,
    pendingGate: () => pending?.request,
    interrupts: () => interrupts,
    lastAnswer: () => lastAnswer,
    answer(decision, reason) {
      const current = pending;
      if (current === undefined) return;
      pending = undefined;
      const by = options.operator ?? view.header?.operator ?? 'operator';
      const trimmed = reason?.trim();
      lastAnswer = trimmed ? { decision, by, reason: trimmed } : { decision, by };
      current.resolve(lastAnswer);
      notify();
    },
    interrupt() {
      interrupts += 1;
      options.onInterrupt(interrupts);
      notify();
    },
    takeDirty() {
      const was = dirty;
      dirty = false;
      return was;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
