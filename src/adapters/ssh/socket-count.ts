/**
 * How many sockets the SSH connections of a fleet take, as `createRemoteShells`
 * would open them: one per host reached directly, one per jump host (the
 * hosts behind it ride on forwarded channels of that one connection, which
 * take no file descriptor). Connections stay open for the whole run, so this
 * is what the process needs at once, whatever the concurrency.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostTarget, SshSettings } from '../../spec/model.js';
import { resolveHostConfig } from './ssh-config.js';
import { loadSshConfig } from './remote-shells.js';

export async function sshSocketCount(
  hosts: readonly HostTarget[],
  settings: Pick<SshSettings, 'user' | 'port'>,
  options: { sshConfigPath?: string } = {},
): Promise<number> {
  const config = await loadSshConfig(options.sshConfigPath ?? join(homedir(), '.ssh', 'config'), () => {});
  let direct = 0;
  const jumps = new Set<string>();
  for (const host of hosts) {
    const first = resolveHostConfig(config, [host.name, host.address]).proxyJump?.[0];
    if (first === undefined) {
      direct += 1;
      continue;
    }
    const jump = resolveHostConfig(config, [first.host]);
    const user = first.user ?? jump.user ?? settings.user;
    jumps.add(`${user}@${jump.hostName ?? first.host}:${first.port ?? jump.port ?? 22}`);
  }
  return direct + jumps.size;
}
