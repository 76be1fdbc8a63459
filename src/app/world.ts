/**
 * The real adapters behind the engine's ports, for one rollout. The only
 * place (with the tests) that knows which adapter implements which port.
 */
import { createRemoteShells } from '../adapters/ssh/remote-shells.js';
import { createPackageManagers } from '../adapters/packages/package-managers.js';
import { createLoadBalancers } from '../adapters/haproxy/index.js';
import { createHealthProbe } from '../adapters/health/index.js';
import type { HealthProbe, LoadBalancers, PackageManagers, RemoteShells } from '../engine/ports.js';
import type { Rollout } from '../spec/model.js';

export interface World {
  shells: RemoteShells;
  packageManagers: PackageManagers;
  loadBalancers: LoadBalancers;
  probe: HealthProbe;
}

export function connectWorld(rollout: Rollout): World {
  return {
    shells: createRemoteShells(rollout.ssh),
    packageManagers: createPackageManagers(),
    loadBalancers: createLoadBalancers(),
    probe: createHealthProbe(),
  };
}
