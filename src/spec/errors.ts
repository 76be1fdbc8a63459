/**
 * A problem in the rollout repo, where a person would fix it. Spec errors are
 * values (STYLE.md §4): every loader returns all of them at once, sorted, and
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

/** `file:line:col: message`, shortened when there is no position (or no file). */
export function formatSpecError(error: SpecError): string {
  if (error.file === '') return error.message;
  if (error.line === 0) return `${error.file}: ${error.message}`;
  return `${error.file}:${error.line}:${error.col}: ${error.message}`;
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
