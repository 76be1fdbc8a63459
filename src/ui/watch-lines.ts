/**
 * The watcher's own lines, `[12:01:03] watch: …`, between the lines of the
 * runs it starts (those come from the run line renderer as usual).
 */
import type { DriftedHost, WatchEvent, WatchEventListener } from '../app/watch/events.js';
import { formatDuration } from '../spec/duration.js';
import type { TextSink } from './format.js';
import { formatClock, shortSha, versionsText } from './format.js';

export function createWatchLineRenderer(out: TextSink, options: { timeZone?: string } = {}): WatchEventListener {
  return (event) => {
    const lines = describeWatchEvent(event);
    const stamp = `[${formatClock(event.at, options.timeZone)}]`;
    const indent = ' '.repeat(stamp.length);
    lines.forEach((line, index) =>
      out.write(`${index === 0 ? stamp : indent} ${index === 0 ? 'watch: ' : '  '}${line}\n`),
    );
  };
}

export function describeWatchEvent(event: WatchEvent): string[] {
  switch (event.type) {
    case 'watch.started': {
      const following = event.remote ? `${event.remote}/${event.branch}` : `local ${event.branch}`;
      const webhook = event.webhook ? `, webhook on ${event.webhook}` : '';
      return [`following ${following}${webhook}, every ${formatDuration(event.intervalMs)} (Ctrl-C stops)`];
    }
    case 'watch.stopping':
      return [`stopping (${event.reason}): finishing what is in flight…`];
    case 'watch.stopped':
      return ['stopped'];
    case 'fetch.failed':
      return [
        `cannot follow ${event.remote}/${event.branch}: ${event.message}`,
        ...(event.detail ? [event.detail] : []),
      ];
    case 'commit.new':
      return [
        `new commit ${shortSha(event.after)} "${event.subject}"${event.before ? ` (was ${shortSha(event.before)})` : ''}`,
      ];
    case 'spec.invalid':
      return [`${shortSha(event.commit)} is invalid; nothing runs until a commit fixes it:`, ...event.errors];
    case 'rollout.skipped':
      return [`not running ${event.rollout} at ${shortSha(event.commit)}: ${event.reason}`];
    case 'run.requested':
      return [
        `${event.cause === 'self-heal' ? 'healing' : event.cause === 'sync' ? 'syncing' : 'running'} ${event.rollout} (${event.environment}) at ${shortSha(event.commit)}`,
      ];
    case 'run.ended':
      return [`${event.cause === 'self-heal' ? 'heal' : 'run'} ${event.runId} of ${event.rollout}: ${event.result}`];
    case 'run.blocked':
      return [`${event.rollout} could not start (${event.message}); trying again next cycle`, ...event.details];
    case 'push.received':
      return [`push ${event.deliveryId}: ${event.ref} → ${shortSha(event.after)}`];
    case 'push.ignored':
      return [`push ${event.deliveryId} (${shortSha(event.after)}) ignored: ${event.reason}`];
    case 'webhook.rejected':
      return [`webhook request refused with ${event.status}: ${event.reason}`];
    case 'status.failed':
      return [`cannot check drift: ${event.message}`, ...event.details];
    case 'drift.seen':
      return [`drift seen on ${hostList(event.hosts)}`];
    case 'drift.alerted':
      return [`ALERT drift in ${event.environment} since ${event.since}: ${hostList(event.hosts)}`];
    case 'drift.cleared':
      return [`${event.host} (${event.rollout}) no longer drifts`];
    case 'heal.skipped':
      return [`not healing ${event.rollout} (${event.environment}): ${event.reason}`];
    case 'notify.failed':
      return [`alert not delivered: ${event.message}`];
    case 'sync.pending': {
      const hosts = event.hostsToChange === null ? 'hosts to change unknown' : `${event.hostsToChange} hosts to change`;
      return [
        `${event.environment} out of sync: ${shortSha(event.commit)} "${event.subject}" pending (${event.rollouts.join(', ')}; ${hosts}); nothing runs until: lieutenant sync ${event.environment}`,
        ...(event.supersedes ? [`it replaces the pending ${shortSha(event.supersedes)}`] : []),
      ];
    }
    case 'sync.cleared':
      return [`${event.environment}: pending ${shortSha(event.commit)} cleared: ${event.reason}`];
    case 'sync.requested':
      return [
        `${event.environment}: sync of ${shortSha(event.commit)} asked by ${event.by}${event.reason ? ` (${event.reason})` : ''}`,
      ];
    case 'sync.refused':
      return [`${event.environment}: sync of ${shortSha(event.commit)} asked by ${event.by} refused: ${event.message}`];
    case 'sync.applied':
      return [
        `${event.environment}: ${shortSha(event.commit)} applied for ${event.by} (${event.runs.join(', ') || 'no run'}; exit ${event.exitCode})`,
      ];
    case 'sync.unshared':
      return [`sync records not shared: ${event.message}`];
    case 'record.ignored':
      return [event.message];
    case 'cycle.crashed':
      return ['a cycle failed with an internal error — a bug in Lieutenant; carrying on', ...event.message.split('\n')];
  }
}

function hostList(hosts: readonly DriftedHost[]): string {
  return hosts
    .map((host) => {
      const what = [
        ...(host.drift.length > 0
          ? [
              `${versionsText(pick(host.installed, host.drift))}, deployed ${versionsText(pick(host.expected, host.drift))}`,
            ]
          : []),
        ...(host.outOfRotation ? ['out of rotation'] : []),
      ];
      return `${host.host} (${what.join('; ')})`;
    })
    .join(', ');
}

function pick<T>(versions: Record<string, T>, names: readonly string[]): Record<string, T> {
  return Object.fromEntries(names.filter((name) => name in versions).map((name) => [name, versions[name] as T]));
}
