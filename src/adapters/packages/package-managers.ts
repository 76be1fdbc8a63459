/** Every package manager Lieutenant drives, keyed as inventories name them (`packageManager: apt`). */
import type { PackageManagers } from '../../engine/index.js';
import { apt } from './apt.js';
import { dnf, yum } from './dnf.js';
import type { LockWait } from './manager.js';
import { createPackageManager } from './manager.js';
import { zypper } from './zypper.js';

export function createPackageManagers(options: { lockWait?: LockWait } = {}): PackageManagers {
  return {
    apt: createPackageManager(apt, options.lockWait),
    dnf: createPackageManager(dnf, options.lockWait),
    yum: createPackageManager(yum, options.lockWait),
    zypper: createPackageManager(zypper, options.lockWait),
  };
}
