/**
 * Stopping a run: the process's Ctrl-C (main.ts escalates it into the
 * context's `signal`, then `forceSignal`) or the TUI's Ctrl-C key (raw mode
 * reads it as a key, not a signal) — the first asks for a safe stop, hosts in
 * flight finish and return to rotation; the second forces.
 */
export interface Interruptions {
  stop: AbortSignal;
  force: AbortSignal;
  /** One more Ctrl-C from the TUI. */
  press(): void;
  dispose(): void;
}

export function interruptions(
  signals: { signal: AbortSignal; forceSignal: AbortSignal },
  onStopping: (force: boolean) => void,
): Interruptions {
  const stop = new AbortController();
  const force = new AbortController();
  const escalate = (): void => {
    if (!stop.signal.aborted) {
      onStopping(false);
      stop.abort();
    } else if (!force.signal.aborted) {
      onStopping(true);
      force.abort();
    }
  };
  const onStop = () => (stop.signal.aborted ? undefined : escalate());
  const onForce = () => {
    if (!stop.signal.aborted) escalate();
    escalate();
  };
  signals.signal.addEventListener('abort', onStop, { once: true });
  signals.forceSignal.addEventListener('abort', onForce, { once: true });
  if (signals.signal.aborted) onStop();
  return {
    stop: stop.signal,
    force: force.signal,
    press: escalate,
    dispose: () => {
      signals.signal.removeEventListener('abort', onStop);
      signals.forceSignal.removeEventListener('abort', onForce);
    },
  };
}
