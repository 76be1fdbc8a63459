/**
 * One cycle of `watch`, the unit the serial loop runs:
 *
 *   fetch + fast-forward (when following a remote, or a push arrived)
 *   → validate the branch head (invalid: alert, run nothing, no drift check)
 *   → run each rollout the head changed since its deployed commit
 *   → check drift; alert episodes that last; with self-heal, run back to deployed
 *
 * Runs and status reads come in as ports (the real services, or fakes in
 * tests); Git is read directly — it is the rollout repo itself.
 */
import { ExitCode } from '../../core/exit-codes.js';
import { applyHead, sayOnce, type HeadState } from './head-step.js';
import { createDriftStep } from './drift-step.js';
import type { WatchEventBody } from './events.js';
import type { Cycle, CycleConfig, CyclePorts } from './ports.js';

export function createCycle(config: CycleConfig, ports: CyclePorts, emit: (event: WatchEventBody) => void): Cycle {
  // Lines said once per cause, so a waiting cycle does not repeat itself every interval.
  const said = new Set<string>();
  const state: HeadState = { said };
  const drift = createDriftStep(config, ports, emit);

  return async (triggers, signal) => {
    const pushes = triggers.flatMap((trigger) => (trigger.kind === 'push' ? [trigger.push] : []));
    const remote = config.remote ?? (pushes.length > 0 ? config.pushRemote : undefined);
    let fetchedFrom: string | undefined;
    // While the followed remote cannot be read, nothing new runs: the local branch may hold what the team never pushed.
    let followed = true;
    if (remote !== undefined) {
      const fetched = await ports.fetch(remote, config.branch, signal);
      if (!fetched.ok) {
        followed = false;
        // Said once while it keeps failing the same way (a remote down for an hour is one line, not 120).
        const { message, detail } = fetched.error;
        if (!signal.aborted && sayOnce(state, `fetch:${message}`))
          emit({ type: 'fetch.failed', remote, branch: config.branch, message, ...(detail ? { detail } : {}) });
      } else {
        for (const key of said) if (key.startsWith('fetch:')) said.delete(key);
        if (fetched.value.before !== fetched.value.after) fetchedFrom = fetched.value.before ?? '';
      }
    }
    if (signal.aborted) return ExitCode.done;

    const head = await applyHead(config, ports, emit, state, { pushes, fetchedFrom, runCommits: followed }, signal);
    if (head.kind !== 'applied' || signal.aborted) return head.exitCode;
    const driftCode = await drift(head.sha, signal);
    return Math.max(head.exitCode, driftCode);
  };
}
