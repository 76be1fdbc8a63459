/**
 * How the CLI ends. What the user can fix is an `AbortError` (bad input by
 * default: exit 2, nothing was changed on any host); anything else thrown is
 * a bug. Only main.ts turns these into a process exit status.
 */

import { ExitCode } from '../core/exit-codes.js';

export class AbortError extends Error {
  override readonly name = 'AbortError';

  constructor(
    message: string,
    /** One line on what to do about it: "run lieutenant validate". */
    readonly tryMessage?: string,
    readonly exitCode: number = ExitCode.badInput,
  ) {
    super(message);
  }
}

/** The text a user sees for an error that reached the top, and the exit status. */
export function describeFailure(error: unknown): { text: string; exitCode: number } {
  if (error instanceof AbortError) {
    const tryLine = error.tryMessage === undefined ? '' : `\n${error.tryMessage}`;
    return { text: `error: ${error.message}${tryLine}\n`, exitCode: error.exitCode };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return {
    text: `internal error — this is a bug in Lieutenant, please report it with the lines below\n${detail}\n`,
    exitCode: ExitCode.internal,
  };
}
