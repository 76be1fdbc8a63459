/**
 * Taking a server out of rotation and putting it back, on every load
 * balancer of its group. Both poll through the `Clock`, so they run in
 * virtual time under test and stop between polls when `signal` aborts.
 */
import type { AdminState, Clock, LoadBalancer, ServerStatus } from '../ports.js';
import { formatDuration } from '../../spec/duration.js';
import { fail, ok, okVoid } from '../../core/result.js';
import type { Result } from '../../core/result.js';

export interface RotationOptions {
  timeoutMs: number;
  pollMs: number;
  clock: Clock;
  signal: AbortSignal;
}

export interface Drained {
  /** Sessions still open (summed over the load balancers) when maint was set. */
  sessions: number;
  /** drain.timeout passed before the sessions reached 0; the server was put in maint anyway. */
  timedOut: boolean;
}

async function setEverywhere(
  lbs: readonly LoadBalancer[],
  server: string,
  state: AdminState,
  signal: AbortSignal,
): Promise<Result<void>> {
  const results = await Promise.all(lbs.map((lb) => lb.setState(server, state, signal)));
  return results.find((result) => !result.ok) ?? okVoid;
}

async function statusEverywhere(
  lbs: readonly LoadBalancer[],
  server: string,
  signal: AbortSignal,
): Promise<Result<ServerStatus[]>> {
  const results = await Promise.all(lbs.map((lb) => lb.status(server, signal)));
  const statuses: ServerStatus[] = [];
  for (const result of results) {
    if (!result.ok) return result;
    statuses.push(result.value);
  }
  return ok(statuses);
}

/**
 * docs/safety.md, step 1: `drain` on every load balancer, wait until the server's
 * sessions reach 0 on all of them (or the timeout), then `maint` on all.
 * A timeout is not a failure: the server goes to maint with `timedOut: true`.
 */
export async function drainHost(
  lbs: readonly LoadBalancer[],
  server: string,
  { timeoutMs, pollMs, clock, signal }: RotationOptions,
): Promise<Result<Drained>> {
  const drained = await setEverywhere(lbs, server, 'drain', signal);
  if (!drained.ok) return drained;

  const deadline = clock.now() + timeoutMs;
  let sessions: number;
  let timedOut = false;
  for (;;) {
    if (signal.aborted) return fail(`${server}: stopped while draining; left in drain`);
    const statuses = await statusEverywhere(lbs, server, signal);
    if (!statuses.ok) return statuses;
    sessions = statuses.value.reduce((sum, status) => sum + status.sessions, 0);
    if (sessions === 0) break;
    const left = deadline - clock.now();
    if (left <= 0) {
      timedOut = true;
      break;
    }
    await clock.sleep(Math.min(pollMs, left), signal);
  }

  const maint = await setEverywhere(lbs, server, 'maint', signal);
  if (!maint.ok) return maint;
  return ok({ sessions, timedOut });
}

/**
 * A host believed out of rotation (a failed host being rolled back, one left
 * out by an interrupted run) must be in maint on every load balancer before
 * its packages change — but it may not be: killed mid-drain, ready again on
 * one of two load balancers, or failed after `ready`. Where it is not in maint
 * it is drained properly (sessions to 0, then maint); where it is, left alone.
 */
export async function holdOutOfRotation(
  lbs: readonly LoadBalancer[],
  server: string,
  options: RotationOptions,
): Promise<Result<Drained>> {
  const statuses = await statusEverywhere(lbs, server, options.signal);
  if (!statuses.ok) return statuses;
  const notInMaint = lbs.filter((_, i) => statuses.value[i]?.adminState !== 'maint');
  return notInMaint.length === 0 ? ok({ sessions: 0, timedOut: false }) : drainHost(notInMaint, server, options);
}

/**
 * What counts as back in rotation: `UP`, or `no check` (a server without
 * health checks is up whenever it is ready). `UP 1/3` is not: HAProxy leaves
 * maint at the edge of UP, before any check has run, and shows the same after
 * a failed check; only a passing check turns it into plain `UP`.
 */
export function isUp(status: ServerStatus): boolean {
  return status.adminState === 'ready' && (status.status === 'UP' || status.status === 'no check');
}

/** docs/safety.md, step 4: `ready` on every load balancer, then wait until each reports the server UP. */
export async function returnHost(
  lbs: readonly LoadBalancer[],
  server: string,
  { timeoutMs, pollMs, clock, signal }: RotationOptions,
): Promise<Result<void>> {
  const ready = await setEverywhere(lbs, server, 'ready', signal);
  if (!ready.ok) return ready;

  const deadline = clock.now() + timeoutMs;
  for (;;) {
    if (signal.aborted) return fail(`${server}: stopped while returning to rotation`);
    const statuses = await statusEverywhere(lbs, server, signal);
    if (!statuses.ok) return statuses;
    const notUp = lbs.flatMap((lb, i) => {
      const status = statuses.value[i];
      return status && isUp(status) ? [] : [`${lb.name} reports "${status?.status ?? 'nothing'}"`];
    });
    if (notUp.length === 0) return okVoid;
    const left = deadline - clock.now();
    if (left <= 0)
      return fail(`${server}: not UP within ${formatDuration(timeoutMs)} after ready: ${notUp.join('; ')}`);
    await clock.sleep(Math.min(pollMs, left), signal);
  }
}
