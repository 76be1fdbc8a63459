/** The fleet's SSH settings as an inventory's `ssh:` normalises them (root, the fleet key, strict host keys), for tests of the SSH adapter itself. */
import type { SshSettings } from '../../../src/spec/model.js';
import type { Fleet } from '../../fleet/fleet.js';

export function fleetSshSettings(fleet: Fleet, overrides: Partial<SshSettings> = {}): SshSettings {
  return {
    user: 'root',
    port: 22,
    identityFile: fleet.identityFile,
    knownHosts: fleet.knownHostsPath,
    hostKeyPolicy: 'strict',
    become: 'none',
    connectTimeoutMs: 10_000,
    commandTimeoutMs: 60_000,
    keepaliveIntervalMs: 5_000,
    maxHandshakes: 10,
    ...overrides,
  };
}
