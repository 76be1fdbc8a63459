/**
 * `--remote NAME` and `--lease DURATION`, shared by the commands that start
 * runs (`run`, `resume`; `watch` has its own --remote, the one it follows):
 * which remote holds the environment lock and the shared journal, and how
 * long the lock outlives a holder that stops renewing it.
 */
import { Option, type Command } from 'commander';
import type { Coordination } from '../app/shared-run.js';
import { boundMs, describeBounds, parseDuration, type DurationBounds } from '../spec/duration.js';
import { AbortError } from './errors.js';

export interface LockFlags {
  remote?: string;
  lease?: string;
}

/** Renewed every third of it; long enough for a slow push, short enough that a dead holder is not waited on for long. */
export const LEASE_BOUNDS = { min: '1s', max: '1h' } as const satisfies DurationBounds;

export function addLockFlags(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--remote <name>',
        'the remote holding the environment lock and the shared journal; none: the local lock',
      )
        .default(undefined, 'origin, or the only remote')
        .env('LIEUTENANT_REMOTE'),
    )
    .option('--lease <duration>', 'the lock lease, renewed while the run lives; a lapsed one is taken over', '60s');
}

export function coordinationOf(flags: LockFlags): Coordination {
  return {
    ...(flags.remote !== undefined ? { remote: flags.remote } : {}),
    ...(flags.lease !== undefined ? { leaseMs: leaseMs(flags.lease) } : {}),
  };
}

export function leaseMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new AbortError(`--lease ${text} is not a duration`, 'durations look like 500ms, 30s, 5m, 1h');
  if (ms < boundMs(LEASE_BOUNDS.min) || ms > boundMs(LEASE_BOUNDS.max))
    throw new AbortError(`--lease ${text} is out of bounds`, `use a duration ${describeBounds(LEASE_BOUNDS)}`);
  return ms;
}
