/** Prints an AppFailure the same way for every command; returns its exit code. */
import type { AppFailure } from '../app/failure.js';
import type { CliContext } from './context.js';

export function reportFailure(failure: AppFailure, { io }: Pick<CliContext, 'io'>): number {
  for (const detail of failure.details) io.stderr.write(`${detail}\n`);
  io.stderr.write(`lieutenant: ${failure.message}\n`);
  return failure.exitCode;
}
