/**
 * SSH runs a command line through the remote user's shell, so every argument
 * is POSIX single-quoted: inside '…' no character is special, and a quote
 * itself is closed, escaped and reopened ('\''). No spec string ever reaches
 * the remote shell unquoted.
 */

/** Arguments made only of these need no quotes; leaving them bare keeps logged commands readable. */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quoteArgument(argument: string): string {
  if (SAFE.test(argument)) return argument;
  return `'${argument.replaceAll("'", `'\\''`)}'`;
}

/** One command line from an argument vector, each argument quoted for a POSIX shell. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map(quoteArgument).join(' ');
}

export interface RemoteCommandOptions {
  /** Through `sudo -n`: never prompts, so a missing sudo rule fails at once instead of hanging on a password. */
  asSuperuser: boolean;
  /**
   * Run under coreutils `timeout` (TERM, then KILL 5 s later). The client
   * gives up first; this makes sure the command dies on the host too, because
   * sshd may refuse signal requests (it does without privilege separation)
   * and cannot signal a command sudo runs as root.
   */
  killAfterSeconds?: number;
}

/** The command line for one exec; stdin is /dev/null so nothing ever waits for input from us. */
export function buildRemoteCommand(argv: readonly string[], options: RemoteCommandOptions): string {
  if (argv.length === 0) throw new Error('buildRemoteCommand: empty argument vector');
  const bounded =
    options.killAfterSeconds === undefined ? argv : ['timeout', '-k', '5', String(options.killAfterSeconds), ...argv];
  return `${shellQuote(options.asSuperuser ? ['sudo', '-n', '--', ...bounded] : bounded)} </dev/null`;
}
