/**
 * One timed child process: wall time from spawn to exit (hrtime), and peak RSS —
 * from GNU time's `%M` (the kernel's ru_maxrss of the child and what it waited
 * for) when /usr/bin/time exists, otherwise from polling the child's VmHWM in
 * /proc. Either way the method is reported next to the figure.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type RssMethod = 'GNU time %M' | '/proc VmHWM polled every 20 ms';

export interface Timed {
  code: number;
  /** Epoch ms at spawn and at exit, to line the child's own timestamps up with. */
  startedAt: number;
  exitedAt: number;
  wallMs: number;
  /** Peak resident set, KiB; undefined when it could not be read. */
  peakRssKiB: number | undefined;
  /**
   * CPU time, user + system, of the child and every descendant it waited for (GNU time's %U + %S:
   * for the bash script, its ssh, curl and socat too); undefined without GNU time.
   */
  cpuMs: number | undefined;
  rssMethod: RssMethod;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

export function rssMethod(): RssMethod {
  return existsSync(GNU_TIME) ? 'GNU time %M' : '/proc VmHWM polled every 20 ms';
}

async function vmHwmKiB(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

export async function timeCommand(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; signal: AbortSignal },
): Promise<Timed> {
  const method = rssMethod();
  const scratch = await mkdtemp(join(tmpdir(), 'lieutenant-bench-time-'));
  const rssFile = join(scratch, 'rss');
  const [program, argv] =
    method === 'GNU time %M' ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, file, ...args]] : [file, [...args]];
  try {
    const startedAt = Date.now();
    const started = process.hrtime.bigint();
    const child = spawn(program, argv, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let polledRss: number | undefined;
    const poll =
      method === 'GNU time %M'
        ? undefined
        : setInterval(() => {
            if (child.pid !== undefined)
              void vmHwmKiB(child.pid).then((kib) => (polledRss = Math.max(polledRss ?? 0, kib ?? 0) || polledRss));
          }, 20);
    const code = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (exit, signal) => resolve(exit ?? (signal ? 128 : 1)));
    });
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (poll) clearInterval(poll);
    // GNU time's last line: "%M %U %S" (a line before it says "Command exited with non-zero status N").
    const [rss, user, system] =
      (await readFile(rssFile, 'utf8').catch(() => '')).trim().split('\n').pop()?.split(' ') ?? [];
    const peakRssKiB = method === 'GNU time %M' ? Number(rss) || undefined : polledRss;
    const cpuMs =
      method === 'GNU time %M' && user !== undefined && system !== undefined
        ? (Number(user) + Number(system)) * 1000
        : undefined;
    return {
      code,
      startedAt,
      exitedAt: startedAt + wallMs,
      wallMs,
      peakRssKiB,
      cpuMs,
      rssMethod: method,
      stdout,
      stderr,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
