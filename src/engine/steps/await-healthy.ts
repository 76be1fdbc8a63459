/**
 * docs/safety.md, step 3, the health gate: every check of the group must pass
 * `successThreshold` rounds in a row within `health.timeout`.
 */
import type { HealthCheckTarget, HostTarget } from '../../spec/model.js';
import { formatDuration } from '../../spec/duration.js';
import { renderTemplate } from '../../spec/templates.js';
import type { Clock, HealthProbe, Measurement, RemoteShell } from '../ports.js';
import { fail, okVoid } from '../../core/result.js';
import type { Result } from '../../core/result.js';

export interface HealthPolicy {
  intervalMs: number;
  timeoutMs: number;
  successThreshold: number;
}

/** Called for every measurement; `passes` is the consecutive passing rounds after this round. */
export type MeasurementListener = (check: string, measurement: Measurement, passes: number) => void;

/** The group's checks with `{{host.*}}` and `{{packages.*}}` resolved for one host. */
export function renderChecks(
  checks: readonly HealthCheckTarget[],
  host: Pick<HostTarget, 'name' | 'address'>,
  packages: Readonly<Record<string, string>>,
): HealthCheckTarget[] {
  const context = { host: { name: host.name, address: host.address }, packages };
  const render = (text: string): string => renderTemplate(text, context);
  const renderOptional = (text: string | undefined): string | undefined =>
    text === undefined ? undefined : render(text);
  return checks.map((check) => {
    switch (check.kind) {
      case 'http':
        return { ...check, url: render(check.url), bodyContains: renderOptional(check.bodyContains) };
      case 'tcp':
        return { ...check };
      case 'command':
        return { ...check, argv: check.argv.map(render), stdoutContains: renderOptional(check.stdoutContains) };
    }
  });
}

/**
 * How a check reads in events and messages: `http GET http://127.0.1.11:8080/health`,
 * `tcp 127.0.1.11:22`, `command systemctl is-active demo`. A tcp check names
 * no address of its own, so it takes the host's when given.
 */
export function checkLabel(check: HealthCheckTarget, host?: Pick<HostTarget, 'address'>): string {
  switch (check.kind) {
    case 'http':
      return `http GET ${check.url}`;
    case 'tcp':
      return `tcp ${host?.address ?? ''}:${check.port}`;
    case 'command':
      return `command ${check.argv.join(' ')}`;
  }
}

/**
 * Rounds start every `intervalMs`; a round passes when every check passes, a
 * failing round resets the count. A round is started only before the
 * deadline. With no checks there is nothing to wait for.
 */
export async function awaitHealthy(
  checks: readonly HealthCheckTarget[],
  probe: HealthProbe,
  host: HostTarget,
  shell: RemoteShell,
  policy: HealthPolicy,
  clock: Clock,
  signal: AbortSignal,
  onMeasurement?: MeasurementListener,
): Promise<Result<void>> {
  if (checks.length === 0) return okVoid;
  const labels = checks.map((check) => checkLabel(check, host));
  const deadline = clock.now() + policy.timeoutMs;
  let passes = 0;
  let lastReason: string | undefined;

  for (;;) {
    if (signal.aborted) return fail(`${host.name}: health gate stopped`, lastReason);
    const roundStart = clock.now();
    const measurements = await Promise.all(checks.map((check) => probe.measure(check, host, shell, signal)));
    const failed = measurements.findIndex((measurement) => measurement.phase !== 'pass');
    if (failed < 0) passes++;
    else {
      passes = 0;
      const measurement = measurements[failed];
      lastReason = `${labels[failed]}: ${measurement && measurement.phase !== 'pass' ? measurement.reason : ''}`;
    }
    measurements.forEach((measurement, i) => onMeasurement?.(labels[i] ?? '', measurement, passes));
    if (passes >= policy.successThreshold) return okVoid;

    const nextRound = roundStart + policy.intervalMs;
    if (nextRound > deadline) {
      const within = `${host.name}: not healthy within ${formatDuration(policy.timeoutMs)}`;
      // Still passing at the deadline, just not often enough in a row: say so, keep the last failure as detail.
      if (passes > 0 || lastReason === undefined) {
        const progress = `only ${passes} of ${policy.successThreshold} consecutive passes`;
        return fail(`${within}: ${progress}`, lastReason && `last failure: ${lastReason}`);
      }
      return fail(`${within}: ${lastReason}`);
    }
    await clock.sleep(Math.max(0, nextRound - clock.now()), signal);
  }
}
