/**
 * A problem in the rollout repo, where a person would fix it. Spec errors are
 * values, not exceptions: every loader returns all of them at once, sorted, and
 * only the CLI turns them into an exit code.
 */
export interface SpecError {
  /** Relative to the rollout repo, e.g. `playbooks/web.yaml`; '' for a problem with the repo itself. */
  file: string;
  /** 1-based; 0 when the problem is the whole file or the repo. */
  line: number;
  col: number;
  message: string;
}

export function specError(
  file: string,
  message: string,
  at: { line: number; col: number } = { line: 0, col: 0 },
): SpecError {
  return { file, line: at.line, col: at.col, message };
}

/** `file:line:col: message`, shortened when there is no position (or no file); safe to print. */
export function formatSpecError(error: SpecError): string {
  const [file, message] = [printable(error.file), printable(error.message)];
  if (file === '') return message;
  if (error.line === 0) return `${file}: ${message}`;
  return `${file}:${error.line}:${error.col}: ${message}`;
}

/**
 * Keys and file names come from the repo, and a message quotes them: control
 * characters (terminal escapes, newlines that would forge another line) and
 * bidirectional overrides are shown as `\x1b`, `\u202e`, never sent raw.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** By file, line, column; identical problems (reached twice) are reported once. */
export function sortSpecErrors(errors: readonly SpecError[]): SpecError[] {
  const seen = new Set<string>();
  return [...errors]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col))
    .filter((error) => {
      const key = formatSpecError(error);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
