/** A command health check, run on the host over its `RemoteShell` (argv, never a shell string). */
import type { Measurement, RemoteShell } from '../../engine/index.js';
import type { HealthCheckTarget } from '../../spec/model.js';

type CommandCheck = Extract<HealthCheckTarget, { kind: 'command' }>;

/** The end of stderr is usually where the reason is. */
const tail = (text: string): string => {
  const trimmed = text.trim();
  return trimmed.length > 200 ? `…${trimmed.slice(-200)}` : trimmed;
};

export async function measureCommand(
  check: CommandCheck,
  shell: RemoteShell,
  signal?: AbortSignal,
): Promise<Measurement> {
  const ran = await shell.exec(
    check.argv,
    signal ? { timeoutMs: check.timeoutMs, signal } : { timeoutMs: check.timeoutMs },
  );
  if (!ran.ok) return { phase: 'error', reason: ran.error.message };
  const { code, stdout, stderr } = ran.value;
  if (code !== check.exitCode) {
    const said = tail(stderr) || tail(stdout);
    return { phase: 'fail', reason: `exit ${code} (wanted ${check.exitCode})${said ? `: ${said}` : ''}` };
  }
  if (check.stdoutContains !== undefined && !stdout.includes(check.stdoutContains)) {
    return { phase: 'fail', reason: `stdout lacks ${JSON.stringify(check.stdoutContains)}` };
  }
  return { phase: 'pass', detail: `exit ${code}` };
}
