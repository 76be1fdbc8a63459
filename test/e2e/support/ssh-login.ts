/**
 * Who Lieutenant logs in as, and what the hosts say happened. An operator
 * moves a rollout repo from root to a deploy user by committing a change to
 * the inventory's `ssh:` block; the hosts' own logs — sshd's (the session's
 * user), sudo's (each command run as root, and by whom) and dpkg's (what was
 * installed) — are the oracle, read around Lieutenant from the fleet's files.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Fleet } from '../../fleet/fleet.js';
import { hostPaths } from '../../fleet/paths.js';
import type { RolloutRepo } from './rollout-repo.js';

export interface SshLogin {
  user: string;
  become: 'none' | 'sudo';
}

/** Commits inventories/staging.yaml with `ssh.user` and `ssh.become` changed; resolves with the commit sha. */
export async function commitSshLogin(repo: RolloutRepo, login: SshLogin): Promise<string> {
  const path = join(repo.dir, 'inventories', 'staging.yaml');
  const inventory = parse(await readFile(path, 'utf8')) as { ssh: Record<string, unknown> };
  inventory.ssh = { ...inventory.ssh, user: login.user, become: login.become };
  await writeFile(path, stringify(inventory, { lineWidth: 0 }));
  await repo.git('commit', '-q', '-am', `Deploy as ${login.user} (become: ${login.become})`);
  return (await repo.git('rev-parse', 'HEAD')).trim();
}

/** The logs of one host that tell who did what: sshd's, and the host's private /var/log/sudo.log and dpkg.log. */
export type HostLog = 'sshd' | 'sudo' | 'dpkg';

function hostLogPath(fleet: Fleet, host: string, log: HostLog): string {
  const paths = hostPaths(fleet.dir, host);
  if (log === 'sshd') return paths.sshdLog;
  return join(paths.root, 'var', 'log', log === 'sudo' ? 'sudo.log' : 'dpkg.log');
}

const byteLength = async (path: string): Promise<number> => (await readFile(path).catch(() => Buffer.alloc(0))).length;

export interface HostLogCursor {
  /** What each log of each host gained since the cursor was made ('' for a log that is still absent). */
  since(): Promise<Record<string, Record<HostLog, string>>>;
}

/** Marks the current end of every host's logs, so a test reads only what one command added. */
export async function markHostLogs(
  fleet: Fleet,
  hosts: readonly string[] = fleet.hosts.map((host) => host.name),
): Promise<HostLogCursor> {
  const logs: HostLog[] = ['sshd', 'sudo', 'dpkg'];
  const marks = await Promise.all(
    hosts.flatMap((host) =>
      logs.map(async (log) => [host, log, await byteLength(hostLogPath(fleet, host, log))] as const),
    ),
  );
  return {
    async since() {
      const result: Record<string, Record<HostLog, string>> = {};
      for (const [host, log, offset] of marks) {
        const text = await readFile(hostLogPath(fleet, host, log)).catch(() => Buffer.alloc(0));
        (result[host] ??= { sshd: '', sudo: '', dpkg: '' })[log] = text.subarray(offset).toString('utf8');
      }
      return result;
    },
  };
}

/** Lines of `text` matching `pattern`, for readable assertions. */
export const linesMatching = (text: string, pattern: RegExp): string[] =>
  text.split('\n').filter((line) => pattern.test(line));
