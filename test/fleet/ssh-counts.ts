/**
 * SSH connections opened and remote commands run on each fleet host, counted
 * by the hosts themselves: every fleet sshd logs at VERBOSE (test/fleet/host.ts)
 * "Accepted publickey for …" per connection and "Starting session: command
 * for …" per command. A snapshot before and after a run, subtracted, counts
 * what that run did — for Lieutenant and the bash script alike, whatever SSH
 * client each uses.
 */
import { readFile } from 'node:fs/promises';
import { hostPaths } from './paths.js';

export interface SshCounts {
  connections: number;
  commands: number;
}

const count = (text: string, what: string) => text.split(what).length - 1;

async function hostCounts(dir: string, host: string): Promise<SshCounts> {
  const log = await readFile(hostPaths(dir, host).sshdLog, 'utf8').catch(() => '');
  return { connections: count(log, 'Accepted publickey for '), commands: count(log, 'Starting session: command for ') };
}

export async function sshSnapshot(dir: string, hosts: readonly string[]): Promise<Map<string, SshCounts>> {
  return new Map(await Promise.all(hosts.map(async (host) => [host, await hostCounts(dir, host)] as const)));
}

/** What happened between two snapshots, summed over the hosts, and the most commands on any one host. */
export function sshUsage(
  before: ReadonlyMap<string, SshCounts>,
  after: ReadonlyMap<string, SshCounts>,
): SshCounts & { mostCommandsOnAHost: number } {
  let connections = 0;
  let commands = 0;
  let mostCommandsOnAHost = 0;
  for (const [host, now] of after) {
    const then = before.get(host) ?? { connections: 0, commands: 0 };
    connections += now.connections - then.connections;
    commands += now.commands - then.commands;
    mostCommandsOnAHost = Math.max(mostCommandsOnAHost, now.commands - then.commands);
  }
  return { connections, commands, mostCommandsOnAHost };
}
