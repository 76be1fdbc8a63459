/**
 * The real adapters behind the engine's ports, for one rollout. The only
 * place (with the tests) that knows which adapter implements which port.
 *
 * They are imported on first use: node-ssh is the heaviest module of the CLI
 * to load, and a command that calls `loadAdapters()` before it reads the spec
 * from Git gets them loaded while git runs, not before.
 */
import type { HealthProbe, LoadBalancers, PackageManagers, RemoteShells } from '../engine/index.js';
import type { Rollout } from '../spec/model.js';

export interface World {
  shells: RemoteShells;
  packageManagers: PackageManagers;
  loadBalancers: LoadBalancers;
  probe: HealthProbe;
}

const importAdapters = () =>
  Promise.all([
    import('../adapters/ssh/remote-shells.js'),
    import('../adapters/packages/package-managers.js'),
    import('../adapters/haproxy/index.js'),
    import('../adapters/health/index.js'),
  ]);
let adapters: ReturnType<typeof importAdapters> | undefined;

/** Starts loading the adapters (once); a failure surfaces in connectWorld. */
export function loadAdapters(): ReturnType<typeof importAdapters> {
  adapters ??= importAdapters();
  adapters.catch(() => undefined);
  return adapters;
}

export async function connectWorld(rollout: Rollout): Promise<World> {
  const [ssh, packages, haproxy, health] = await loadAdapters();
  return {
    shells: ssh.createRemoteShells(rollout.ssh),
    packageManagers: packages.createPackageManagers(),
    loadBalancers: haproxy.createLoadBalancers(),
    probe: health.createHealthProbe(),
  };
}
