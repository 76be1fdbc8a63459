/**
 * One short line per meaningful event, in the words of docs/. The line
 * renderer prints these and the TUI shows the last few; noise (every passing
 * health round, step starts the next line already implies) is left out.
 * Reads the view *before* the event, to say things once (a failing check is
 * reported when its reason changes, not every interval).
 */
import { ExitCode } from '../core/exit-codes.js';
import type { RunEvent } from '../engine/index.js';
import { cordonText, cordonedHosts } from '../plan/planner.js';
import type { Level, RunView } from './run-view-model.js';
import { formatElapsed, plural, shortSha, versionChanges, versionsText } from './format.js';

export interface Described {
  level: Level;
  text: string;
}

const MAX_LISTED_HOSTS = 12;

const info = (text: string): Described => ({ level: 'info', text });

/** `web-01 web-02 web-03`, or the first few and `… +988 more`. */
export function hostList(hosts: readonly string[]): string {
  if (hosts.length <= MAX_LISTED_HOSTS) return hosts.join(' ');
  return `${hosts.slice(0, MAX_LISTED_HOSTS).join(' ')} … +${hosts.length - MAX_LISTED_HOSTS} more`;
}

/** "Batch 1/2 done" reads as "batch 1/2 done" after "gate: " (acronyms like "HTTP" stay). */
const sentenceInside = (text: string): string =>
  /^[A-Z][a-z]/.test(text) ? text[0]?.toLowerCase() + text.slice(1) : text;

export function describeEvent(event: RunEvent, view: RunView): Described | undefined {
  switch (event.type) {
    case 'run.started': {
      const toChange = event.plan.groups.reduce(
        (sum, group) => sum + group.hosts.filter((host) => !host.converged).length,
        0,
      );
      const resumed = event.resumes === undefined ? '' : ` (resumes ${event.resumes})`;
      const cordoned = cordonedHosts(event.plan).map(({ host, cordon }) => cordonText(host, cordon));
      const skipped = cordoned.length > 0 ? `; skipping ${cordoned.join(', ')}` : '';
      return info(
        `run ${event.runId}${resumed}: ${event.rollout} on ${event.environment} at ${shortSha(event.commit.sha)} "${event.commit.subject}" by ${event.operator}` +
          ` — ${plural(toChange, 'host')} to change in ${event.plan.batches.length} batch${event.plan.batches.length === 1 ? '' : 'es'}${skipped}`,
      );
    }
    case 'preflight.finished':
      return event.ok
        ? info('preflight ok')
        : { level: 'error', text: `preflight refused: ${event.problems.join('; ')}` };
    case 'batch.started':
      return info(`batch ${event.batch}/${event.batches} ${event.group}: ${hostList(event.hosts)}`);
    case 'host.drain.started':
      return info(`${event.host} draining (${event.loadBalancers.join(', ')})`);
    case 'host.drain.finished':
      return event.timedOut
        ? {
            level: 'warn',
            text: `${event.host} drain timed out with ${plural(event.sessions, 'session')} left; out of rotation`,
          }
        : info(`${event.host} out of rotation`);
    case 'host.upgrade.started':
      return undefined;
    case 'host.upgrade.finished':
      return info(`${event.host} ${versionChanges(event.before, event.after)}`);
    case 'host.health.checked': {
      // Every check of a round reports the round's count: "healthy" is said once, when the gate passes.
      if (event.measurement.phase === 'pass') return undefined;
      const last = view.hosts.get(event.host)?.lastCheck;
      const reason = event.measurement.reason;
      if (last !== undefined && last.phase !== 'pass' && last.check === event.check && last.reason === reason)
        return undefined;
      return { level: 'warn', text: `${event.host} ${event.check}: ${reason} (${event.passes}/${event.threshold})` };
    }
    case 'host.health.finished': {
      if (!event.healthy)
        return { level: 'error', text: `${event.host} unhealthy: ${event.reason ?? 'health gate failed'}` };
      const threshold = view.hosts.get(event.host)?.threshold;
      return info(threshold ? `${event.host} healthy (${threshold}/${threshold})` : `${event.host} healthy`);
    }
    case 'host.return.started':
      return undefined;
    case 'host.return.finished':
      return info(`${event.host} back in rotation`);
    case 'host.done':
      return event.changed ? undefined : info(`${event.host} unchanged (already at the committed versions)`);
    case 'host.failed':
      return {
        level: 'error',
        text: `${event.host} failed at ${event.step}: ${event.reason}${event.outOfRotation ? ' (out of rotation)' : ''}`,
      };
    case 'host.step.started':
      return info(
        `${event.host} ${event.point}${event.of > 1 ? ` ${event.index}/${event.of}` : ''}${event.rollback ? ' (rollback)' : ''}: ${event.argv.join(' ')}`,
      );
    case 'host.step.finished':
      return event.ok
        ? undefined
        : { level: 'error', text: `${event.host} ${event.point} step ${event.index} failed: ${event.reason ?? ''}` };
    case 'run.step.started':
      return info(`run step ${event.when} ${event.index}/${event.of} on ${event.host}: ${event.argv.join(' ')}`);
    case 'run.step.finished':
      return event.ok
        ? info(`run step ${event.when} ${event.index} on ${event.host} done`)
        : {
            level: 'error',
            text: `run step ${event.when} ${event.index} on ${event.host} failed: ${event.reason ?? ''}`,
          };
    case 'host.rollback.started':
      return { level: 'warn', text: `${event.host} rolling back to ${versionsText(event.to)}` };
    case 'host.rollback.finished':
      return event.ok
        ? info(`${event.host} rolled back`)
        : { level: 'error', text: `${event.host} rollback failed: ${event.reason ?? 'unknown reason'}` };
    case 'batch.finished':
      return event.ok
        ? info(`batch ${event.batch}/${event.batches} done`)
        : { level: 'error', text: `batch ${event.batch}/${event.batches} failed` };
    case 'analysis.started': {
      const metrics = event.metrics
        .map((m) => `${m.name} (${m.provider}: pass ${m.pass}${m.fail ? `, fail ${m.fail}` : ''})`)
        .join(', ');
      return info(
        `analysis after batch ${event.batch}/${event.batches}: ${plural(event.count, 'measurement')} ${formatElapsed(event.intervalMs)} apart of ${metrics}`,
      );
    }
    case 'analysis.measured': {
      const { phase, reason } = event.measurement;
      return {
        level: phase === 'pass' ? 'info' : 'warn',
        text: `analysis ${event.metric} ${event.index}/${event.count}: ${phase} — ${reason}`,
      };
    }
    case 'analysis.finished': {
      const head = `analysis after batch ${event.batch}/${event.batches}`;
      if (event.verdict === 'pass') return info(`${head} passed: ${event.reason}`);
      const then =
        event.action === 'fail'
          ? 'the batch fails (strategy.onFailure)'
          : event.action === 'ask'
            ? 'a person decides (--yes does not answer)'
            : 'going on (onInconclusive: pass)';
      return {
        level: event.verdict === 'fail' ? 'error' : 'warn',
        text: `${head} ${event.verdict === 'fail' ? 'failed' : 'inconclusive'}: ${event.reason}; ${then}`,
      };
    }
    case 'gate.waiting': {
      const summary = sentenceInside(event.summary);
      if (event.pause === 'analysis')
        return {
          level: 'warn',
          text: `gate: ${summary}; waiting for a person (lieutenant approve / lieutenant abort; --yes does not answer this gate)`,
        };
      if (event.pause === 'approve')
        return info(
          `gate: ${summary}; waiting for ${event.required ? `${event.required} approvals` : 'approval'} (lieutenant approve ${event.runId}, from any clone)`,
        );
      const wait = event.until === undefined ? '' : ` in ${formatElapsed(event.until - Date.parse(event.at))}`;
      return info(`gate: ${summary}; continuing${wait} (lieutenant approve to go now, lieutenant abort to stop)`);
    }
    case 'gate.answered': {
      const verb = { approve: 'approved', abort: 'aborted', halt: 'halted' }[event.decision];
      const what = event.during === undefined ? 'gate' : `batch ${event.during}`;
      const by = event.approvedBy ? event.approvedBy.join(' and ') : answerer(event);
      return {
        level: event.decision === 'approve' ? 'info' : 'warn',
        text: `${what} ${verb} by ${by}${from(event)}${quoted(event.reason)}`,
      };
    }
    case 'gate.approval':
      return info(
        `approval by ${answerer(event)}${from(event)}${quoted(event.reason)}; ${approvalsLeft(event.stillNeeded)}`,
      );
    case 'gate.refused': {
      const verb = { approve: 'approval', abort: 'abort', halt: 'halt' }[event.decision];
      return {
        level: 'warn',
        text: `${verb} by ${answerer(event)}${from(event)} refused (${event.rule}): ${event.message}; the gate still needs ${approvalsLeft(event.stillNeeded)}`,
      };
    }
    case 'host.rotation.reasserted':
      return {
        level: event.ok ? 'warn' : 'error',
        text: `${event.host} was back in rotation on ${event.loadBalancer} (${event.found}) while out for its upgrade; ${event.ok ? 'put in maint again' : 'maint refused'}`,
      };
    case 'lb.restarted':
      return {
        level: 'warn',
        text: `load balancer ${event.loadBalancer} restarted (${event.detail}); re-checking the hosts held out`,
      };
    case 'run.stopping':
      return { level: 'warn', text: `stopping${event.force ? ' now (forced)' : ''}: ${event.reason}` };
    case 'run.finished':
      return {
        level: event.exitCode === ExitCode.done ? 'info' : 'error',
        text: `run ${event.result}: ${event.message}`,
      };
    case 'log':
      return { level: event.level, text: event.message };
  }
}

/** "alice (alice@example.com)" when the rules' identity differs from the name. */
function answerer(who: { by: string; identity?: string }): string {
  return who.identity === undefined || who.identity === who.by ? who.by : `${who.by} (${who.identity})`;
}

const from = (who: { from?: string }): string => (who.from === undefined ? '' : ` from ${who.from}`);
const quoted = (reason: string | undefined): string => (reason === undefined || reason === '' ? '' : `: "${reason}"`);

export const approvalsLeft = (count: number): string =>
  count === 0 ? 'no more approvals' : `${count} more approval${count === 1 ? '' : 's'}`;
