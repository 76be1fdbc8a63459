/** What the fleet really runs, read around Lieutenant (system ssh, the runtime-API socket), for the tests' "then". */
import { serverStatuses } from '../../fleet/fleet.js';
import type { Fleet } from '../../fleet/fleet.js';

/** host → installed demo version ('' when absent), via dpkg-query over the fleet's own ssh. */
export function installedVersions(
  fleet: Fleet,
  hosts: readonly string[] = fleet.hosts.map((host) => host.name),
): Promise<Record<string, string>> {
  return installedVersionsOf(fleet, 'demo', hosts);
}

/** host → installed version of `name` ('' when absent, or only its config files are left). */
export async function installedVersionsOf(
  fleet: Fleet,
  name: string,
  hosts: readonly string[] = fleet.hosts.map((host) => host.name),
): Promise<Record<string, string>> {
  const answers = await Promise.all(
    hosts.map(async (host) => {
      const answer = await fleet.ssh(
        host,
        `dpkg-query -W -f='\${db:Status-Abbrev}\${Version}' ${name} 2>/dev/null | sed -n 's/^ii //p'`,
      );
      if (answer.code !== 0) throw new Error(`dpkg-query on ${host} failed: ${answer.stderr}`);
      return [host, answer.stdout.trim()] as const;
    }),
  );
  return Object.fromEntries(answers);
}

/** The same version on each of `hosts`, as installedVersions reports it. */
export function allOn(hosts: readonly string[], version: string): Record<string, string> {
  return Object.fromEntries(hosts.map((host) => [host, version]));
}

/**
 * server → HAProxy status (UP, MAINT, DRAIN…), for `hosts` (default: the Debian
 * hosts; the RPM hosts share the backend and are left out unless named).
 */
export async function rotation(
  fleet: Fleet,
  hosts: readonly string[] = fleet.hosts.map((host) => host.name),
): Promise<Record<string, string>> {
  const statuses = await serverStatuses(fleet.haproxy.socket, fleet.haproxy.backend);
  return Object.fromEntries(hosts.map((host) => [host, statuses.get(host) ?? 'MISSING']));
}

/** host → installed demo version as rpm prints it ("1.1-1", "1:2.0-3"; '' when absent), on RPM hosts. */
export async function rpmVersionsOf(
  fleet: Fleet,
  name: string,
  hosts: readonly string[] = fleet.rpmHosts.map((host) => host.name),
): Promise<Record<string, string>> {
  const answers = await Promise.all(
    hosts.map(async (host) => {
      const answer = await fleet.ssh(host, `rpm -q --qf '%{EPOCH}:%{VERSION}-%{RELEASE}' ${name} || true`);
      const version = answer.stdout.includes('is not installed') ? '' : answer.stdout.trim().replace(/^\(none\):/, '');
      return [host, version] as const;
    }),
  );
  return Object.fromEntries(answers);
}
