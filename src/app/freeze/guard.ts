/**
 * The freeze check before a run starts (after its spec is loaded, before
 * anything is locked or connected). Inside a window a run is refused with
 * exit 5 and the window's reason — unless it is a rollback to the deployed
 * commit and the window allows those, or the operator overrides the freeze
 * with a reason. What let a run start inside a window goes into its plan,
 * so the journal and the note in Git say who overrode it and why.
 */
import { ExitCode } from '../../core/exit-codes.js';
import { ok, type Result } from '../../core/result.js';
import type { FreezeAllowance } from '../../plan/types.js';
import type { FreezeWindow } from '../../spec/model.js';
import type { AppFailure } from '../failure.js';
import { activeWindows, describeInstant } from './windows.js';

export interface FreezeRequest {
  /** `--override-freeze --reason TEXT`. */
  override?: { reason: string };
  /** The run brings the fleet back to the deployed commit (revert --run, re-applying it, a resumed rollback). */
  rollback: boolean;
}

/** Undefined when no window is open; the allowance when one is and the run may start anyway. */
export function checkFreeze(
  windows: readonly FreezeWindow[],
  now: number,
  request: FreezeRequest & { environment: string; operator: string },
): Result<FreezeAllowance | undefined, AppFailure> {
  const active = activeWindows(windows, now);
  const blocking = active.find((span) => !(request.rollback && span.window.allowRollback)) ?? active[0];
  if (!blocking) return ok(undefined);
  const { window, endMs } = blocking;
  const allowance = {
    window: window.label,
    windowReason: window.reason,
    until: new Date(endMs).toISOString(),
    by: request.operator,
  };
  if (request.override) return ok({ ...allowance, allowed: 'override', reason: request.override.reason });
  if (active.every((span) => request.rollback && span.window.allowRollback))
    return ok({ ...allowance, allowed: 'rollback' });
  return {
    ok: false,
    error: {
      exitCode: ExitCode.frozen,
      message:
        `${request.environment} is frozen until ${describeInstant(endMs, window.timeZone)} (${window.label}): ${window.reason}; ` +
        'nothing was changed',
      details: [
        request.rollback
          ? 'this window allows no rollback either (allowRollback: false)'
          : 'a rollback to the deployed commit may start inside it unless the window says allowRollback: false',
        'to start anyway, say why: --override-freeze --reason TEXT (journaled with your name)',
      ],
    },
  };
}

/** The line a run prints when it starts inside a window. */
export function describeAllowance(allowance: FreezeAllowance): string {
  const inside = `inside the freeze window ${allowance.window} (${allowance.windowReason})`;
  return allowance.allowed === 'override'
    ? `${inside}: freeze overridden by ${allowance.by}: ${allowance.reason}`
    : `${inside}: starting, a rollback to the deployed commit is allowed`;
}
