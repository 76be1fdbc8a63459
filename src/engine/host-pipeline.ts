/**
 * One host through the four steps of docs/safety.md ("One host, step by
 * step"): drain, packages, health gate, back in rotation. The same steps in
 * reverse roll a host back. A host leaves rotation only after it holds an
 * availability slot, and its packages change only after every load balancer
 * has it in maint.
 */
import type { HostPlan } from '../plan/types.js';
import type { HostStep } from './events.js';
import type { Installed, RemoteShell, Versions } from './ports.js';
import { ok, type Result } from '../core/result.js';
import { groupOf, loadBalancersOf, type RunEnv } from './run-env.js';
import { packageChange } from '../plan/planner.js';
import { presentVersions } from '../plan/versions.js';
import { drainHost, holdOutOfRotation, returnHost } from './steps/drain.js';
import { awaitHealthy, renderChecks } from './steps/await-healthy.js';
import { runHostSteps, stepContext } from './steps/run-steps.js';
import type { HostStepPoint } from '../spec/model.js';

export type HostOutcome =
  /** `before`: the versions the host had, to roll back to. */
  | { kind: 'done'; changed: boolean; before: Versions }
  /** Never left rotation: the run is stopping. */
  | { kind: 'not-started'; reason: string }
  /** Never left rotation: unreachable, or no slot can ever free up under maxUnavailable. */
  | { kind: 'blocked'; reason: string }
  | { kind: 'failed'; step: HostStep; reason: string; before?: Versions };

/**
 * Brings the host to `wanted`: the normal pipeline, and (with the old versions)
 * a rollback. `stopStarting` aborts waiting for a slot (first Ctrl-C, or a
 * failure in the batch); the run's force signal aborts the step in flight.
 * The group's steps run at their four points, in a rollback too.
 */
export async function moveHost(
  env: RunEnv,
  host: HostPlan,
  wanted: Versions,
  stopStarting: AbortSignal,
  rollback = false,
): Promise<HostOutcome> {
  const { availability, emit, deps } = env;
  const group = groupOf(env, host.group);
  const force = env.control.force;
  // Through the pool for every move: it reuses the open connection, and opens
  // a new one (host key checked again) when SSH was lost since the last step.
  const shell = await deps.shells.connect(host, force);
  if (!shell.ok) return { kind: 'blocked', reason: shell.error.message };

  const wasOut = availability.outOfRotation(group.name).includes(host.name);
  const slot = await availability.acquire(group.name, host.name, stopStarting);
  if (slot === 'cancelled') return { kind: 'not-started', reason: 'run stopping' };
  if (slot !== 'granted') return { kind: 'blocked', reason: `no slot can free up: ${slot.blocked}` };
  const failed = async (step: HostStep, message: string, before?: Versions, out = true): Promise<HostOutcome> => {
    // Adapters name the host in their messages; the event names it already.
    const reason = message.startsWith(`${host.name}: `) ? message.slice(host.name.length + 2) : message;
    if (out) availability.stuck(group.name, host.name);
    else availability.release(group.name, host.name);
    await emit({ type: 'host.failed', host: host.name, group: group.name, step, reason, outOfRotation: out });
    return before ? { kind: 'failed', step, reason, before } : { kind: 'failed', step, reason };
  };
  const steps = group.steps;
  const isRollback = rollback || env.plan.purpose === 'rollback';
  const stepsAt = async (point: HostStepPoint, packages: Versions) =>
    steps && steps[point].length > 0
      ? runHostSteps(env, shell.value, point, steps[point], stepContext(env, host, packages), isRollback)
      : { ok: true as const };

  const beforeDrain = await stepsAt('beforeDrain', wanted);
  if (!beforeDrain.ok) return failed('beforeDrain', beforeDrain.reason, undefined, wasOut);

  // What the host has, read while it drains — from the host, not the plan: it may have moved since (resume, a hand edit).
  const reading = deps.packageManagers[group.packageManager].installed(shell.value, Object.keys(wanted), force);
  const lbs = loadBalancersOf(env, group);
  const rotation = { timeoutMs: env.plan.drain.timeoutMs, pollMs: env.pollMs, clock: deps.clock, signal: force };
  if (!wasOut) {
    await emit({ type: 'host.drain.started', host: host.name, group: group.name, loadBalancers: group.loadBalancers });
    const drained = await drainHost(lbs, host.lbServer, rotation);
    if (!drained.ok) return failed('drain', drained.error.message);
    await emit({ type: 'host.drain.finished', host: host.name, ...drained.value });
  } else {
    const held = await holdOutOfRotation(lbs, host.lbServer, rotation);
    if (!held.ok) return failed('drain', held.error.message);
  }
  // From here until its return the keeper holds it out, whatever restarts the load balancer.
  env.keeper.hold(host.name, host.lbServer, lbs);

  // Never install on a host that serves: a reload may have put it back since the drain.
  const afterDrain = await stepsAt('afterDrain', wanted);
  if (!afterDrain.ok) return failed('afterDrain', afterDrain.reason, host.before);
  const stillOut = await env.keeper.ensureOut(host.name, force);
  if (!stillOut.ok) return failed('upgrade', stillOut.reason);
  const upgraded = await installVersions(env, host, shell.value, wanted, await reading);
  if (!upgraded.ok) return failed('upgrade', upgraded.reason, upgraded.before);
  const has = { ...wanted, ...upgraded.installed };
  const afterInstall = await stepsAt('afterInstall', has);
  if (!afterInstall.ok) return failed('afterInstall', afterInstall.reason, upgraded.before);

  // Checks see what the host really has ({{packages.demo}} after a rollback is the old version).
  const outForHealth = await env.keeper.ensureOut(host.name, force);
  if (!outForHealth.ok) return failed('health', outForHealth.reason, upgraded.before);
  const healthy = await healthGate(env, host, shell.value, upgraded.installed);
  if (!healthy.ok) return failed('health', healthy.reason, upgraded.before);

  const outUntilReturn = await env.keeper.ensureOut(host.name, force);
  if (!outUntilReturn.ok) return failed('return', outUntilReturn.reason, upgraded.before);
  await env.keeper.release(host.name);
  await emit({ type: 'host.return.started', host: host.name });
  const returned = await returnHost(lbs, host.lbServer, { ...rotation, timeoutMs: env.plan.health.timeoutMs });
  if (!returned.ok) return failed('return', returned.error.message, upgraded.before);
  availability.release(group.name, host.name);
  await emit({ type: 'host.return.finished', host: host.name });
  const afterReturn = await stepsAt('afterReturn', has);
  if (!afterReturn.ok) return failed('afterReturn', afterReturn.reason, upgraded.before, false);
  return { kind: 'done', changed: upgraded.changed, before: upgraded.before };
}

type Upgraded =
  | { ok: true; before: Versions; installed: Record<string, string>; changed: boolean }
  | { ok: false; reason: string; before?: Versions };

async function installVersions(
  env: RunEnv,
  host: HostPlan,
  shell: RemoteShell,
  wanted: Versions,
  read: Result<Installed>,
): Promise<Upgraded> {
  const { emit } = env;
  const group = groupOf(env, host.group);
  const manager = env.deps.packageManagers[group.packageManager];
  const names = Object.keys(wanted);
  if (!read.ok) return { ok: false, reason: read.error.message };
  const { versions: before, unsettled } = read.value;
  const changes = names
    .map((name) =>
      packageChange(group.packageManager, name, before[name] ?? null, wanted[name] ?? null, unsettled[name]),
    )
    .filter((change) => change.kind !== 'unchanged');
  // What a rollback goes back to: recorded by an interrupted run that changed this host first, else what it has now.
  const restore = host.before ?? before;
  await emit({ type: 'host.upgrade.started', host: host.name, changes, before: restore });
  // The adapter verifies every package reached its pin and returns what is installed.
  const pins = Object.fromEntries(changes.map((change) => [change.name, change.to]));
  const after = changes.length > 0 ? await manager.install(shell, pins, env.control.force, read.value) : ok(before);
  if (!after.ok) return { ok: false, reason: withDetail(after.error), before: restore };
  const now = { ...before, ...after.value };
  await emit({ type: 'host.upgrade.finished', host: host.name, before, after: now });
  return { ok: true, before: restore, installed: presentVersions(now), changed: changes.length > 0 };
}

async function healthGate(
  env: RunEnv,
  host: HostPlan,
  shell: RemoteShell,
  packages: Record<string, string>,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { emit, plan } = env;
  const checks = renderChecks(groupOf(env, host.group).checks, host, packages);
  const threshold = plan.health.successThreshold;
  // Measurement events are emitted without awaiting each one in the probe loop's
  // callback; the emitter keeps their order and the final event waits for all.
  const pending: Array<Promise<unknown>> = [];
  const result = await awaitHealthy(
    checks,
    env.deps.probe,
    host,
    shell,
    plan.health,
    env.deps.clock,
    env.control.force,
    (check, measurement, passes) => {
      pending.push(emit({ type: 'host.health.checked', host: host.name, check, measurement, passes, threshold }));
    },
  );
  await Promise.all(pending);
  if (!result.ok) {
    await emit({ type: 'host.health.finished', host: host.name, healthy: false, reason: result.error.message });
    return { ok: false, reason: result.error.message };
  }
  await emit({ type: 'host.health.finished', host: host.name, healthy: true });
  return { ok: true };
}

function withDetail(error: { message: string; detail?: string }): string {
  return error.detail ? `${error.message}: ${error.detail}` : error.message;
}
