/**
 * Why a command could not do its work, as a value the CLI turns into an
 * exit code (docs/commands.md: 2 bad input, 4 locked). Nothing here exits.
 */
import { ExitCode } from '../core/exit-codes.js';
import { formatSpecError, type SpecError } from '../spec/errors.js';
import { checkState, type StateProblem } from '../records/index.js';

export interface AppFailure {
  exitCode: number;
  message: string;
  /** One line each: spec errors as file:line:col, unreachable hosts… */
  details: string[];
}

export const badInput = (message: string, details: string[] = []): AppFailure => ({
  exitCode: ExitCode.badInput,
  message,
  details,
});

export const stateFailure = (problem: StateProblem): AppFailure => badInput(problem.message, [problem.fix]);

/** `.lieutenant/` as Lieutenant wrote it, or what is wrong there (exit 2); every command that reads it asks first. */
export async function stateProblem(repoDir: string): Promise<AppFailure | undefined> {
  const checked = await checkState(repoDir);
  return checked.ok ? undefined : stateFailure(checked.error);
}

export const specFailure = (errors: readonly SpecError[]): AppFailure =>
  badInput(
    `${errors.length} problem${errors.length === 1 ? '' : 's'} in the rollout repo; nothing was changed on any host`,
    errors.map(formatSpecError),
  );
