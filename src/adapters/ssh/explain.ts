/**
 * For `plan --explain-ssh`: how each host — and each load balancer reached
 * over `ssh://` — would be logged into, and where each setting came from,
 * without connecting to anything.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HaproxyTarget, HostTarget, SshSettings } from '../../spec/model.js';
import { describeResolvedSsh, resolveHostSsh } from './host-settings.js';
import { loadSshConfig } from './remote-shells.js';

export interface ExplainedSsh {
  /** A host's name, or `load balancer NAME`. */
  name: string;
  settings: string[];
}

export async function explainSsh(
  hosts: readonly HostTarget[],
  loadBalancers: readonly HaproxyTarget[],
  settings: SshSettings,
  options: { sshConfigPath?: string; log?: (line: string) => void } = {},
): Promise<ExplainedSsh[]> {
  const path = options.sshConfigPath ?? join(homedir(), '.ssh', 'config');
  const config = await loadSshConfig(path, options.log ?? (() => {}));
  const explained = hosts.map((host) => ({
    name: host.name,
    settings: describeResolvedSsh(resolveHostSsh(host, settings, config)),
  }));
  for (const lb of loadBalancers) {
    if (!('ssh' in lb.endpoint)) continue;
    const { host, user, port } = lb.endpoint.ssh;
    const target = {
      name: host,
      address: host,
      ssh: {
        settings: { ...(user ? { user } : {}), ...(port ? { port } : {}) },
        from: { user: 'socket', port: 'socket' } as const,
      },
    };
    const lines = describeResolvedSsh(resolveHostSsh(target, settings, config)).filter(
      (line) => !line.startsWith('become'),
    );
    explained.push({ name: `load balancer ${lb.name}`, settings: [...lines, `socket ${lb.endpoint.path}`] });
  }
  return explained;
}
