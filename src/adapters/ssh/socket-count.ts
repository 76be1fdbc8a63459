/**
 * How many sockets the SSH connections of a fleet take, as `createRemoteShells`
 * would open them: one per host reached directly, one per jump host (the
 * hosts behind it ride on forwarded channels of that one connection, which
 * take no file descriptor), one per load balancer host reached over
 * `ssh://`. Each host's jump hosts are resolved as its connection would be
 * (its own `ssh`, its group's, ~/.ssh/config, the environment). Connections
 * stay open for the whole run, so this is what the process needs at once,
 * whatever the concurrency.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostTarget, SshHostRef, SshSettings } from '../../spec/model.js';
import { resolveHostSsh, type HostSshTarget } from './host-settings.js';
import { resolveHostConfig } from './ssh-config.js';
import { loadSshConfig } from './remote-shells.js';

type CountedSettings = Pick<SshSettings, 'user' | 'port'> & Partial<SshSettings>;

export async function sshSocketCount(
  hosts: readonly HostTarget[],
  settings: CountedSettings,
  options: { sshConfigPath?: string; loadBalancerHosts?: readonly SshHostRef[] } = {},
): Promise<number> {
  const config = await loadSshConfig(options.sshConfigPath ?? join(homedir(), '.ssh', 'config'), () => {});
  const full: SshSettings = {
    identityFile: undefined,
    knownHosts: '',
    hostKeyPolicy: 'strict',
    become: 'none',
    connectTimeoutMs: 10_000,
    commandTimeoutMs: 600_000,
    keepaliveIntervalMs: 5_000,
    maxHandshakes: 10,
    ...settings,
  };
  const lbTargets: HostSshTarget[] = (options.loadBalancerHosts ?? []).map((ref) => ({
    name: ref.host,
    address: ref.host,
    ssh: { settings: { ...(ref.user ? { user: ref.user } : {}), ...(ref.port ? { port: ref.port } : {}) }, from: {} },
  }));
  const direct = new Set<string>();
  const jumps = new Set<string>();
  for (const [index, target] of [...hosts, ...lbTargets].entries()) {
    const resolved = resolveHostSsh(target, full, config);
    const first = resolved.jumps[0];
    if (first === undefined) {
      // Hosts are one connection each; load balancer hosts one per login, however many sockets.
      direct.add(index < hosts.length ? `host ${index}` : `lb ${resolved.user}@${resolved.host}:${resolved.port}`);
      continue;
    }
    const jump = resolveHostConfig(config, [first.host]);
    const user = first.user ?? jump.user ?? full.user;
    jumps.add(`${user}@${jump.hostName ?? first.host}:${first.port ?? jump.port ?? 22}`);
  }
  return direct.size + jumps.size;
}
