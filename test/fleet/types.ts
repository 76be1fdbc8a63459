import type { CommandResult } from './exec.js';

export interface FleetOptions {
  /** How many hosts (web-01 … web-NN); default 6. */
  hosts?: number;
  /** Where the fleet keeps its state, keys, host roots and logs; default <repo>/.fleet. */
  dir?: string;
  /** Loopback /24 the fleet lives in: host i is PREFIX.(10+i), HAProxy PREFIX.250; default 127.0.1. */
  prefix?: string;
  /** The inventory's `environment`; default staging. */
  environment?: string;
  /**
   * Pid of the process the fleet serves (a test run). While it lives, another
   * startFleet in the same dir refuses instead of replacing the fleet under it;
   * without an owner (`npm run fleet -- up`), a new up replaces the old fleet.
   */
  owner?: number;
  /** Progress lines ("building apt repo…"); silent by default. */
  log?: (line: string) => void;
}

export interface FleetHost {
  name: string;
  address: string;
  pid: number;
}

export interface Fleet {
  dir: string;
  hosts: FleetHost[];
  prefix: string;
  environment: string;
  inventoryPath: string;
  identityFile: string;
  knownHostsPath: string;
  haproxy: { socket: string; tcpSocket?: string; frontendUrl: string; backend: 'app' };
  /** Runs `command` on a host (name or address) as root with the system ssh client, host key checked strictly. */
  ssh(host: string, command: string): Promise<CommandResult>;
  /** One HAProxy runtime-API command over the admin unix socket; resolves with the answer. */
  haproxyCommand(command: string): Promise<string>;
  down(): Promise<void>;
}
