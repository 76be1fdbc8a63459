/** `lieutenant status` for people: per environment, then a row per host with drift and rotation marked. */
import type { StatusReport, SyncStatus } from '../app/status-service.js';
import { formatClock, shortSha } from './format.js';
import { describeInstant } from '../app/freeze/windows.js';

export function statusText(report: StatusReport): string[] {
  const lines: string[] = [];
  for (const env of report.environments) {
    lines.push(`${env.environment} — HEAD ${shortSha(env.head.sha)} "${env.head.subject}"`);
    for (const [rollout, deployed] of Object.entries(env.deployed)) {
      const state = !deployed
        ? 'never fully deployed'
        : deployed === env.head.sha
          ? `deployed ${shortSha(deployed)} (up to date)`
          : `deployed ${shortSha(deployed)}; HEAD not yet deployed`;
      lines.push(`  ${rollout}: ${state}`);
    }
    lines.push(...syncLines(env.environment, env.sync));
    const lock = env.lock;
    lines.push(
      `  lock: ${lock ? `held by run ${lock.holder.runId} (pid ${lock.holder.pid}, ${lock.holder.user}@${lock.holder.host}, since ${formatClock(lock.holder.since)})${lock.stale ? ' — stale: its process is gone' : ''}` : 'free'}`,
    );
    const last = env.lastRun;
    if (last)
      lines.push(
        `  last run: ${last.runId} ${last.rollout} at ${shortSha(last.commit.sha)} by ${last.operator}: ${last.result}`,
      );
    const { now, next } = env.freeze;
    if (now)
      lines.push(
        `  frozen until ${describeInstant(Date.parse(now.end), now.timeZone)}: ${now.reason} (${now.window}${now.allowRollback ? '; rollbacks allowed' : ''})`,
      );
    if (next)
      lines.push(
        `  next freeze: ${describeInstant(Date.parse(next.start), next.timeZone)} until ${describeInstant(Date.parse(next.end), next.timeZone)}: ${next.reason}`,
      );
    for (const cordon of env.cordons)
      lines.push(
        `  cordoned ${cordon.kind === 'host' ? '' : `${cordon.kind} `}${cordon.target}: ${cordon.reason} — by ${cordon.by} since ${cordon.since}, ${cordon.until ? `until ${cordon.until}` : 'until uncordoned'}`,
      );
    for (const problem of env.problems) lines.push(`  ! ${problem}`);
    const hosts = report.hosts.filter((h) => h.environment === env.environment);
    if (hosts.length === 0) continue;
    const width = Math.max(4, ...hosts.map((h) => h.host.length));
    lines.push(`  ${'host'.padEnd(width)}  ${'manager'.padEnd(7)}  installed → expected            rotation`);
    for (const host of hosts) {
      const versions = Object.entries(host.expected)
        .map(
          ([name, want]) =>
            `${name} ${host.installed[name] ?? '(none)'}${host.drift.includes(name) ? ` ≠ ${want}` : ''}`,
        )
        .join(', ');
      const rotation =
        Object.entries(host.rotation)
          .map(([lb, s]) => `${lb}:${s.status}`)
          .join(' ') || '-';
      const flags = [host.drift.length > 0 ? 'DRIFT' : '', host.outOfRotation ? 'OUT OF ROTATION' : '']
        .filter(Boolean)
        .join(' ');
      lines.push(
        `  ${host.host.padEnd(width)}  ${host.packageManager.padEnd(7)}  ${versions.padEnd(30)}  ${rotation}${flags ? `  ${flags}` : ''}`,
      );
    }
  }
  return lines;
}

/** Manual sync: out of sync with what, since when, for how many hosts, and whether a watcher will apply it. */
function syncLines(environment: string, sync: SyncStatus): string[] {
  const lines: string[] = [];
  const { pending, watcher } = sync;
  if (pending) {
    const hosts =
      pending.hostsToChange === null ? 'hosts to change unknown' : `${pending.hostsToChange} hosts to change`;
    lines.push(
      `  out of sync: ${shortSha(pending.commit)} ${pending.subject} pending since ${pending.since}, ${hosts} (lieutenant sync ${environment})`,
    );
  } else if (sync.policy === 'manual') lines.push('  sync: manual, nothing pending');
  if (watcher)
    lines.push(
      `  watcher: ${watcher.watcher}, last seen ${watcher.at}${watcher.present ? '' : ' — gone: lieutenant sync runs here'}`,
    );
  return lines;
}
