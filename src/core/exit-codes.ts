/**
 * The one table of exit codes, as docs/commands.md tabulates them
 * (cli/docs-commands.test.ts holds the table to these), plus 70 (EX_SOFTWARE)
 * for a bug. Services return failures carrying one of these; only the CLI exits.
 */
export const ExitCode = {
  /** Done, or nothing to do. */
  done: 0,
  /** The rollout failed: rolled back, halted, or degraded. */
  rolloutFailed: 1,
  /** Bad input (a spec, a flag, a repository, state on disk); nothing was changed on any host. */
  badInput: 2,
  /** Stopped by an operator. */
  aborted: 3,
  /** Another run holds the environment's lock. */
  locked: 4,
  /** A freeze window of the inventory is open: no run started (app/freeze/guard.ts). */
  frozen: 5,
  /** `status`: every host serves, but the fleet is not what Git says (drift, a rollout not deployed, a pending sync). */
  differs: 6,
  /** The run's journal could not be written (a full disk, EIO, read-only): the run stopped; `resume` finishes it. */
  unrecorded: 7,
  internal: 70,
  /** Killed by a third Ctrl-C: the shell's 128 + SIGINT, without waiting for anything. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
