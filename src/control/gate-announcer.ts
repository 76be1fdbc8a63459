/**
 * How `lieutenant approve` in another terminal knows that a run waits at a
 * gate: a listener on the run's events writes the gate into its active-run
 * entry on `gate.waiting` and withdraws it once answered or finished —
 * whichever approver answers (the TUI, the control channel, `--yes`).
 */
import type { RunEvent } from '../engine/index.js';
import type { ActiveRunHandle } from '../records/control/active-runs.js';

/** A failed write only warns: the run goes on, and the TUI or `--yes` can still answer. */
export function announceGates(
  active: ActiveRunHandle,
  onWarning: (message: string) => void,
): (event: RunEvent) => Promise<void> | undefined {
  const announce = (gate: Parameters<ActiveRunHandle['setGate']>[0]) =>
    active
      .setGate(gate)
      .catch((error: unknown) => onWarning(`lieutenant approve may not see this gate: ${String(error)}`));
  return (event) => {
    if (event.type === 'gate.waiting')
      return announce({
        afterBatch: event.afterBatch,
        batches: event.batches,
        summary: event.summary,
        since: event.at,
      });
    if (event.type === 'gate.answered' || event.type === 'run.finished') return announce(undefined);
    return undefined;
  };
}
