/**
 * Why a command could not do its work, as a value the CLI turns into an
 * exit code (docs/commands.md: 2 bad input, 4 locked). Nothing here exits.
 */
import { formatSpecError, type SpecError } from '../spec/errors.js';

export interface AppFailure {
  exitCode: number;
  message: string;
  /** One line each: spec errors as file:line:col, unreachable hosts… */
  details: string[];
}

export const badInput = (message: string, details: string[] = []): AppFailure => ({ exitCode: 2, message, details });

export const specFailure = (errors: readonly SpecError[]): AppFailure =>
  badInput(
    `${errors.length} problem${errors.length === 1 ? '' : 's'} in the rollout repo; nothing was changed on any host`,
    errors.map(formatSpecError),
  );
