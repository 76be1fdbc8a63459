/**
 * Ctrl-C for a run: the first press (or the CLI's own signal) asks for a safe
 * stop — hosts in flight finish and return to rotation — the second forces.
 */
export interface Interruptions {
  stop: AbortSignal;
  force: AbortSignal;
  /** Called by the TUI, which reads Ctrl-C as a key in raw mode. */
  press(): void;
  dispose(): void;
}

export function interruptions(signal: AbortSignal, onPress: (force: boolean) => void, processLike: NodeJS.EventEmitter = process): Interruptions {
  const stop = new AbortController();
  const force = new AbortController();
  const press = (): void => {
    if (stop.signal.aborted) {
      if (!force.signal.aborted) onPress(true);
      force.abort();
    } else {
      onPress(false);
      stop.abort();
    }
  };
  const onSigint = (): void => press();
  processLike.on('SIGINT', onSigint);
  processLike.on('SIGTERM', onSigint);
  signal.addEventListener('abort', press, { once: true });
  return {
    stop: stop.signal,
    force: force.signal,
    press,
    dispose: () => {
      processLike.off('SIGINT', onSigint);
      processLike.off('SIGTERM', onSigint);
      signal.removeEventListener('abort', press);
    },
  };
}
