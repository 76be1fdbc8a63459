/** Every package manager Lieutenant drives, keyed as inventories name them (`packageManager: apt`). */
import type { PackageManagers } from '../../engine/index.js';
import { apt } from './apt.js';
import { dnf, yum } from './dnf.js';
import { createPackageManager } from './manager.js';
import { zypper } from './zypper.js';

export function createPackageManagers(): PackageManagers {
  return {
    apt: createPackageManager(apt),
    dnf: createPackageManager(dnf),
    yum: createPackageManager(yum),
    zypper: createPackageManager(zypper),
  };
}
