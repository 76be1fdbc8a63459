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

/**
 * The command line for one exec. `sudo -n` never prompts: a missing sudo rule
 * fails at once instead of hanging on a password the operator cannot type.
 */
export function buildRemoteCommand(argv: readonly string[], asSuperuser: boolean): string {
  if (argv.length === 0) throw new Error('buildRemoteCommand: empty argument vector');
  return shellQuote(asSuperuser ? ['sudo', '-n', '--', ...argv] : argv);
}
