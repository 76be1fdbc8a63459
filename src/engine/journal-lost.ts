/**
 * A write-ahead journal that cannot be written (a full disk, EIO, a
 * read-only filesystem) means the step it announces is not taken: every
 * host stops at its next step. What the run can still do safely it does
 * without a record — hosts whose state it knows to be healthy go back to
 * rotation — and it names the others; `resume` finishes the run from its
 * journal once the journal can be written again (docs/safety.md).
 */
import type { HostOut, RunEventBody } from './events.js';
import type { Emit } from './emitter.js';
import { hostOf, loadBalancersOf, type RunEnv } from './run-env.js';
import { returnHost } from './steps/drain.js';

export class JournalUnwritable extends Error {
  constructor(readonly reason: string) {
    super(`the run journal could not be written (${reason})`);
  }
}

/** untouched: maybe drained, packages as they were; changing: an install began; healthy: its health gate passed since. */
type HostState = 'untouched' | 'changing' | 'healthy';

/** What the run did to each host it took out of rotation, from the events it made. */
export class HostStates {
  private readonly states = new Map<string, HostState>();

  /** `journaled` false: the journal refused the event, so the step it announces did not run. */
  see(body: RunEventBody, journaled: boolean): void {
    switch (body.type) {
      case 'host.drain.started':
        if (!this.states.has(body.host)) this.states.set(body.host, 'untouched');
        break;
      case 'host.upgrade.started':
      case 'host.rollback.started':
        if (journaled) this.states.set(body.host, 'changing');
        break;
      case 'host.health.finished':
        if (body.healthy) this.states.set(body.host, 'healthy');
        break;
      case 'host.return.finished':
        this.states.delete(body.host);
        break;
      default:
        break;
    }
  }

  get(host: string): HostState | undefined {
    return this.states.get(host);
  }
}

/** `emit`, telling `states` about every event — also one the journal refused. */
export function tracking(emit: Emit, states: HostStates): Emit {
  return async (body) => {
    try {
      const event = await emit(body);
      states.see(body, true);
      return event;
    } catch (error) {
      states.see(body, false);
      throw error;
    }
  };
}

/**
 * Returns to rotation the hosts the run holds out whose state it knows to be
 * healthy — packages untouched since their drain, or a passed health gate
 * since the change — and names the rest. A host that was out before this run
 * is never returned on the strength of an untouched state: it was out for a
 * reason this run does not know.
 */
export async function returnKnownHealthy(
  env: RunEnv,
  states: HostStates,
): Promise<{ returned: string[]; hostsOut: HostOut[] }> {
  const returned: string[] = [];
  const hostsOut: HostOut[] = [];
  for (const group of env.plan.groups) {
    const before = new Set(group.alreadyOut);
    for (const host of env.availability.outOfRotation(group.name)) {
      const state = states.get(host);
      const known = state === 'healthy' || (state === 'untouched' && !before.has(host));
      if (!known) {
        const reason =
          state === undefined ? 'out of rotation before this run' : 'its packages were being changed: state unknown';
        hostsOut.push({ host, group: group.name, reason });
        continue;
      }
      const back = await returnHost(loadBalancersOf(env, group), hostOf(env, host).lbServer, {
        timeoutMs: env.plan.health.timeoutMs,
        pollMs: env.pollMs,
        clock: env.deps.clock,
        signal: env.control.force,
      });
      if (back.ok) returned.push(host);
      else hostsOut.push({ host, group: group.name, reason: `could not be returned: ${back.error.message}` });
    }
  }
  return { returned, hostsOut };
}

/** One message: what failed, what the run did about it, what to free, how to finish. */
export function unrecordedMessage(
  error: JournalUnwritable,
  runId: string,
  returned: readonly string[],
  hostsOut: readonly HostOut[],
): string {
  const back = returned.length > 0 ? `; ${returned.join(', ')} returned to rotation` : '';
  const out =
    hostsOut.length > 0 ? `; left out of rotation: ${hostsOut.map((h) => `${h.host} (${h.reason})`).join(', ')}` : '';
  return (
    `${error.message}: the run stopped before its next step${back}${out}. ` +
    `Free space on (or repair) the filesystem holding .lieutenant/, then finish the run: lieutenant resume ${runId}`
  );
}
