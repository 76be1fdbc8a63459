/**
 * Running a package-manager command over a `RemoteShell`, where a non-zero
 * exit becomes a failure value that names the host and the command and
 * carries the end of its output (stderr first: that is where apt, dnf and
 * zypper explain themselves).
 */
import type { ExecOutput, RemoteShell } from '../../engine/index.js';
import type { Result } from '../../core/result.js';
import { fail, ok } from '../../core/result.js';

/** The last `lines` non-empty lines of a command's output. */
export function outputTail(output: Pick<ExecOutput, 'stdout' | 'stderr'>, lines = 12): string {
  const text = output.stderr.trim() !== '' ? output.stderr : output.stdout;
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .slice(-lines)
    .join('\n');
}

/** Options whose next argument is their value, not a word worth showing. */
const TAKES_VALUE = new Set(['-o', '--qf', '-t']);
/** Options that are the command's verb: "dpkg --remove demo", "rpm -e demo". */
const VERBS = new Set(['--remove', '-e']);

/** A short name for a command in messages: "apt-get install demo=1.1", without env settings and options. */
export function describeCommand(argv: readonly string[]): string {
  const words: string[] = [];
  for (let i = argv[0] === 'env' ? 1 : 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (TAKES_VALUE.has(arg)) i++;
    else if (VERBS.has(arg) || (!arg.startsWith('-') && !(words.length === 0 && arg.includes('=')))) words.push(arg);
  }
  return words.slice(0, 6).join(' ') + (words.length > 6 ? ' …' : '');
}

export interface RunOptions {
  privileged?: boolean;
  signal?: AbortSignal | undefined;
  /** Exit codes that are answers, not failures (dpkg-query says 1 for "no such package"). */
  okCodes?: readonly number[] | 'any';
}

export async function run(
  shell: RemoteShell,
  argv: readonly string[],
  options: RunOptions = {},
): Promise<Result<ExecOutput>> {
  const result = await shell.exec(argv, {
    privileged: options.privileged ?? false,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!result.ok) return result;
  return judge(shell.host, argv, result.value, options.okCodes);
}

/** A command's output as a value: itself when its exit code is an answer, else a failure naming host and command. */
export function judge(
  host: string,
  argv: readonly string[],
  output: ExecOutput,
  okCodes: RunOptions['okCodes'],
): Result<ExecOutput> {
  const { code } = output;
  if (code === 0 || okCodes === 'any' || okCodes?.includes(code)) return ok(output);
  return fail(`${host}: ${describeCommand(argv)} exited ${code}`, outputTail(output));
}
