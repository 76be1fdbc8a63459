/**
 * How `lieutenant approve` in another terminal knows that a run waits at a
 * gate: a listener on the run's events writes the gate into its active-run
 * entry on `gate.waiting` and withdraws it once answered or finished —
 * whichever approver answers (the TUI, the control channel, `--yes`).
 */
import type { RunEvent } from '../engine/index.js';
import type { ActiveGate, ActiveRunHandle } from '../records/control/active-runs.js';

/** The rules the run answers its gates by, for `lieutenant approve` to check before it sends. */
export type GateRules = Pick<ActiveGate, 'rules' | 'author' | 'allowedSigners'>;

/** A failed write only warns: the run goes on, and the TUI or `--yes` can still answer. */
export function announceGates(
  active: ActiveRunHandle,
  onWarning: (message: string) => void,
  rules: GateRules = {},
): (event: RunEvent) => Promise<void> | undefined {
  let gate: ActiveGate | undefined;
  const announce = (next: ActiveGate | undefined) => {
    gate = next;
    return active
      .setGate(next)
      .catch((error: unknown) => onWarning(`lieutenant approve may not see this gate: ${String(error)}`));
  };
  return (event) => {
    if (event.type === 'gate.waiting')
      return announce({
        afterBatch: event.afterBatch,
        batches: event.batches,
        summary: event.summary,
        since: event.at,
        ...rules,
        approvedBy: [],
      });
    if (event.type === 'gate.approval' && gate !== undefined)
      return announce({ ...gate, approvedBy: [...(gate.approvedBy ?? []), event.identity ?? event.by] });
    if (event.type === 'gate.answered' || event.type === 'run.finished') return announce(undefined);
    return undefined;
  };
}
