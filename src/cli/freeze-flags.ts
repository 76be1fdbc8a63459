/**
 * `--override-freeze --reason TEXT`, shared by the commands that start runs
 * (`run`, `resume`, `revert --run`). An override without a reason is bad
 * input: the journal must say why.
 */
import type { Command } from 'commander';
import { AbortError } from './errors.js';

export interface FreezeFlags {
  overrideFreeze?: boolean;
  reason?: string;
}

export function addFreezeFlags(command: Command): Command {
  return command
    .option('--override-freeze', 'start even inside a freeze window of the inventory (with --reason)')
    .option('--reason <text>', 'with --override-freeze: why, journaled with your name');
}

/** The override the flags ask for, or undefined; throws (exit 2) when they do not make sense together. */
export function freezeOverride(flags: FreezeFlags): { reason: string } | undefined {
  const reason = flags.reason?.trim();
  if (flags.overrideFreeze) {
    if (!reason) throw new AbortError('--override-freeze needs --reason TEXT: the journal records why');
    return { reason };
  }
  if (flags.reason !== undefined) throw new AbortError('--reason goes with --override-freeze');
  return undefined;
}
