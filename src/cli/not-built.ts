/**
 * Commands PRODUCT.md promises but that are not built yet: they are listed in
 * --help with their real flags, and say so plainly when run (exit 2: nothing
 * was changed on any host).
 */
import type { Command } from 'commander';
import { AbortError } from './errors.js';

export interface PlannedCommand {
  /** Name and arguments in commander syntax: `plan <playbook>`, `approve [run]`. */
  name: string;
  description: string;
  /** [flags, description] in commander syntax. */
  options?: [string, string][];
  /** The issue that builds it. */
  issue: number;
}

export function registerNotBuilt(program: Command, planned: PlannedCommand): void {
  const command = program.command(planned.name).description(planned.description);
  for (const [flags, description] of planned.options ?? []) command.option(flags, description);
  const name = planned.name.split(' ')[0] ?? planned.name;
  command.action(() => {
    throw new AbortError(`lieutenant ${name}: not built yet (see issue ${planned.issue})`);
  });
}
