/**
 * The lease as a fence around everything a run does to the fleet. Every
 * command on a host (drain steps, installs, rollbacks, health commands, the
 * playbook's steps) goes through a RemoteShell, and every change of rotation
 * through a LoadBalancer's setState; both ask the fence first. A run whose
 * lease can no longer be proven its own gets a refusal instead of an action
 * — and the fence's `lapsed` signal, joined into the run's force signal,
 * ends it at once. The engine stays as it is: it only sees its ports.
 */
import { fail, type Result } from '../core/result.js';
import type { LoadBalancer, LoadBalancers, RemoteShell, RemoteShells } from '../engine/index.js';
import type { LeaseFence } from '../records/index.js';

interface FencedPorts {
  shells: RemoteShells;
  loadBalancers: LoadBalancers;
}

export function fencePorts<T extends FencedPorts>(ports: T, fence: LeaseFence): T {
  const refused = (what: string): Result<never> | undefined => {
    const held = fence.check();
    return held.ok ? undefined : fail(`not done (${what}): ${held.error.message}`);
  };
  const shell = (inner: RemoteShell): RemoteShell => ({
    host: inner.host,
    exec: async (argv, options) => refused(`a command on ${inner.host}`) ?? inner.exec(argv, options),
  });
  const loadBalancer = (inner: LoadBalancer): LoadBalancer => ({
    name: inner.name,
    info: (signal) => inner.info(signal),
    verify: (servers, signal) => inner.verify(servers, signal),
    status: (server, signal) => inner.status(server, signal),
    statuses: (signal) => inner.statuses(signal),
    setState: async (server, state, signal) =>
      refused(`${server} to ${state} on ${inner.name}`) ?? inner.setState(server, state, signal),
  });
  const fencedLbs = new Map<LoadBalancer, LoadBalancer>();
  return {
    ...ports,
    shells: {
      connect: async (host, signal) => {
        const connected = await ports.shells.connect(host, signal);
        return connected.ok ? { ok: true, value: shell(connected.value) } : connected;
      },
      closeAll: () => ports.shells.closeAll(),
    },
    loadBalancers: {
      get: (target) => {
        const inner = ports.loadBalancers.get(target);
        const fenced = fencedLbs.get(inner) ?? loadBalancer(inner);
        fencedLbs.set(inner, fenced);
        return fenced;
      },
    },
  };
}
