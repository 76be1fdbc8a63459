/** In-memory stdout/stderr for running the CLI in-process in tests. */
import type { CliContext, CliIo } from './context.js';

export function captureIo(): CliIo & { out: () => string; err: () => string } {
  const chunks = { out: [] as string[], err: [] as string[] };
  return {
    stdout: { write: (text: string) => chunks.out.push(text) },
    stderr: { write: (text: string) => chunks.err.push(text) },
    out: () => chunks.out.join(''),
    err: () => chunks.err.join(''),
  };
}

/** A context for building the program in a test: captured output, never stopped, exit codes ignored. */
export function testContext(cwd = process.cwd()): CliContext {
  return {
    io: captureIo(),
    cwd,
    signal: new AbortController().signal,
    forceSignal: new AbortController().signal,
    setExitCode: () => undefined,
  };
}
