/**
 * Whether a normalised rollout stays inside every documented bound
 * (bounds.ts): what the fuzz tests require of any spec that validates.
 * Returns what is out of bounds, in words; empty when all is well.
 */
import { addressProblem } from '../addresses.js';
import { COUNT_BOUNDS, DURATION_BOUNDS, LENGTH_BOUNDS } from '../bounds.js';
import { boundMs, type DurationBounds } from '../duration.js';
import type { Rollout } from '../model.js';
import { HAPROXY_NAME, NAME, PACKAGE_NAME, PACKAGE_VERSION } from '../names.js';
import { renderTemplate } from '../templates.js';

export function outOfBounds(rollout: Rollout): string[] {
  const problems: string[] = [];
  const duration = (what: keyof typeof DURATION_BOUNDS, ms: number) => {
    const bounds: DurationBounds = DURATION_BOUNDS[what];
    if (!(ms >= boundMs(bounds.min) && ms <= boundMs(bounds.max))) problems.push(`${what} = ${ms} ms`);
  };
  const count = (what: keyof typeof COUNT_BOUNDS, value: number) => {
    const [min, max] = COUNT_BOUNDS[what];
    if (!(Number.isInteger(value) && value >= min && value <= max)) problems.push(`${what} = ${value}`);
  };
  const name = (what: string, value: string) => {
    if (!NAME.test(value) || value.length > LENGTH_BOUNDS.name) problems.push(`${what} name ${JSON.stringify(value)}`);
  };

  name('rollout', rollout.rollout);
  name('environment', rollout.environment);
  duration('ssh.connectTimeout', rollout.ssh.connectTimeoutMs);
  duration('ssh.commandTimeout', rollout.ssh.commandTimeoutMs);
  duration('ssh.keepaliveInterval', rollout.ssh.keepaliveIntervalMs);
  duration('health.interval', rollout.health.intervalMs);
  duration('health.timeout', rollout.health.timeoutMs);
  duration('drain.timeout', rollout.drain.timeoutMs);
  count('successThreshold', rollout.health.successThreshold);
  count('concurrency', rollout.strategy.concurrency);
  count('batchList', rollout.strategy.batches.length);
  for (const batch of rollout.strategy.batches) if (batch.kind === 'count') count('batch', batch.count);
  if (rollout.strategy.maxUnavailable.kind === 'count') count('maxUnavailable', rollout.strategy.maxUnavailable.count);
  if (rollout.strategy.pause.kind === 'timed') duration('strategy.pause', rollout.strategy.pause.ms);
  if (rollout.groups.length === 0) problems.push('a rollout with no groups');

  for (const group of rollout.groups) {
    name('group', group.name);
    if (Object.keys(group.packages).length === 0) problems.push(`group ${group.name} sets no packages`);
    for (const [pkg, version] of Object.entries(group.packages)) {
      if (!PACKAGE_NAME.test(pkg) || pkg.length > LENGTH_BOUNDS.packageName) problems.push(`package ${pkg}`);
      if (!PACKAGE_VERSION.test(version) || version.length > LENGTH_BOUNDS.packageVersion)
        problems.push(`version ${version}`);
    }
    const seen = new Set<string>();
    for (const host of group.hosts) {
      name('host', host.name);
      if (!HAPROXY_NAME.test(host.lbServer)) problems.push(`lbServer ${host.lbServer}`);
      if (host.address.startsWith('[') || addressProblem(host.address) !== undefined)
        problems.push(`address ${host.address}`);
      if (seen.has(host.name)) problems.push(`host ${host.name} twice`);
      seen.add(host.name);
    }
    for (const check of group.checks) {
      duration(`${check.kind}.timeout`, check.timeoutMs);
      if (check.kind !== 'http') continue;
      for (const host of group.hosts) {
        const url = renderTemplate(check.url, { host, packages: group.packages });
        if (!URL.canParse(url)) problems.push(`url ${url} for ${host.name}`);
      }
    }
  }
  return problems;
}
