import type { CommandResult } from './exec.js';
import type { HostFlavour } from './host.js';

export interface FleetOptions {
  /** How many Debian hosts (web-01 … web-NN, apt, group `web`); default 6. */
  hosts?: number;
  /** How many RPM hosts running dnf (fedora-01 …, group `fedora`), after the Debian ones; default 0. */
  dnfHosts?: number;
  /** How many RPM hosts running zypper (suse-01 …, group `suse`), after the dnf ones; default 0. */
  zypperHosts?: number;
  /** Where the fleet keeps its state, keys, host roots and logs; default <repo>/.fleet. */
  dir?: string;
  /**
   * Loopback /24 the fleet lives in: host i is PREFIX.(10+i), HAProxy PREFIX.250; default 127.0.1.
   * Beyond 239 hosts: 127.(A+100).B.11… for PREFIX 127.A.B (see paths.ts hostAddress).
   */
  prefix?: string;
  /** The inventory's `environment`; default staging. */
  environment?: string;
  /**
   * Pid of the process the fleet serves (a test run). While it lives, another
   * startFleet in the same dir refuses instead of replacing the fleet under it;
   * without an owner (`npm run fleet -- up`), a new up replaces the old fleet.
   */
  owner?: number;
  /**
   * A non-root account (e.g. DEFAULT_SUDO_USER, `lieutenant-deploy`) that logs
   * in with the fleet's key and has passwordless sudo, for inventories with
   * `become: sudo`. Created on the machine if missing and kept by `down`; none by default.
   */
  sudoUser?: string;
  /**
   * One node process answers every host's demo service (reading each host's
   * files through /proc/<its sshd pid>/root) instead of one per host (~40 MiB
   * each). Default: above 50 hosts. stopService/startService need per-host services.
   */
  sharedService?: boolean;
  /** Progress lines ("building apt repo…"); silent by default. */
  log?: (line: string) => void;
}

export interface FleetHost {
  name: string;
  address: string;
  pid: number;
  packageManager: HostFlavour;
  /** The inventory group: web (apt), fedora (dnf), suse (zypper). */
  group: string;
}

export interface Fleet {
  dir: string;
  /** The Debian hosts (group `web`, apt): what most tests roll out to. */
  hosts: FleetHost[];
  /** The RPM hosts (groups `fedora` with dnf, `suse` with zypper), behind the same HAProxy backend; often none. */
  rpmHosts: FleetHost[];
  prefix: string;
  environment: string;
  inventoryPath: string;
  identityFile: string;
  knownHostsPath: string;
  haproxy: { socket: string; tcpSocket?: string; frontendUrl: string; backend: 'app' };
  /** The deploy user with passwordless sudo, when the fleet was started with one. */
  sudoUser?: string;
  /**
   * Runs `command` on a host (name or address) with the system ssh client and
   * the fleet's key, host key checked strictly: as root, or as `options.user`.
   */
  ssh(host: string, command: string, options?: { user?: string }): Promise<CommandResult>;
  /** One HAProxy runtime-API command over the admin unix socket; resolves with the answer. */
  haproxyCommand(command: string): Promise<string>;
  down(): Promise<void>;
}
