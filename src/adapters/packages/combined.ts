/**
 * Several read-only package-manager commands in one remote command: `sh -c`
 * runs them one after the other and writes a marker with each one's exit code
 * after its output, on stdout and stderr alike, so each command's own output
 * and code can be taken apart again and judged as if it had run alone.
 * One round trip instead of several: at 300 hosts, each round trip saved is
 * 300 SSH channels and remote processes before the first drain.
 */
import type { ExecOutput } from '../../engine/index.js';
import type { Command } from './definition.js';

const MARK = '@@lieutenant-combined-7f3c@@';

/** POSIX single quoting: the argument reaches the command as one word, whatever it contains. */
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** One command running each of `commands` in turn; privileged when any of them is (they only read). */
export function combinedCommand(commands: readonly Command[]): Command {
  const script = commands
    .map((command) => `${command.argv.map(quote).join(' ')}; printf '\\n${MARK} %d\\n' $?; printf '\\n${MARK}\\n' >&2`)
    .join('\n');
  return { argv: ['sh', '-c', script], privileged: commands.some((command) => command.privileged) };
}

/**
 * Each command's output and exit code, in order; undefined when the markers
 * are not all there (the shell died midway, or the output was cut).
 */
export function splitCombined(output: ExecOutput, count: number): ExecOutput[] | undefined {
  const outs = output.stdout.split(new RegExp(`\\n${MARK} (\\d+)\\n`));
  const errs = output.stderr.split(`\n${MARK}\n`);
  if (outs.length !== 2 * count + 1 || errs.length !== count + 1) return undefined;
  return Array.from({ length: count }, (_, i) => ({
    stdout: outs[2 * i] ?? '',
    code: Number(outs[2 * i + 1]),
    stderr: errs[i] ?? '',
  }));
}
