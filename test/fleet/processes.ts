import { readdir, readFile, readlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { waitFor } from './wait.js';

/** Fleet processes are found in /proc, by pid; nothing is ever killed by name. */

async function processState(pid: number): Promise<{ state: string; ppid: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name sits in parentheses and may itself contain spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie: an orphan that was killed may wait a while to be reaped by pid 1. */
export async function isAlive(pid: number): Promise<boolean> {
  const stat = await processState(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

export async function commandLine(pid: number): Promise<string[]> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    // sshd rewrites its argv into one spaced title ("sshd: /usr/sbin/sshd -D -f … [listener]"),
    // so spaces split too; fleet paths never contain any (startFleet rejects them).
    return raw.split(/[\0 ]/).filter((arg) => arg !== '');
  } catch {
    return [];
  }
}

export async function mountNamespace(pid: number | 'self'): Promise<string | undefined> {
  try {
    return await readlink(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

async function allPids(): Promise<number[]> {
  const entries = await readdir('/proc');
  return entries.filter((entry) => /^\d+$/.test(entry)).map(Number);
}

/** This process and its parents (npm, tsx, vitest…), whose command lines may name the fleet dir too. */
async function selfAndAncestors(): Promise<Set<number>> {
  const chain = new Set<number>();
  let pid = process.pid;
  while (pid > 1 && !chain.has(pid)) {
    chain.add(pid);
    pid = (await processState(pid))?.ppid ?? 0;
  }
  return chain;
}

const FLEET_PROGRAMS = new Set(['sshd', 'haproxy', 'unshare', 'sh']);

/**
 * The fleet-dir paths our processes carry in their arguments: a host's home
 * (host-init.sh, service.js), its sshd_config, haproxy.cfg, or the shared service's hosts file. Exact shapes,
 * so the default fleet in .fleet never claims the one in .fleet/e2e.
 */
function isFleetArgument(arg: string, dir: string): boolean {
  if (!arg.startsWith(`${dir}/`)) return false;
  const relative = arg.slice(dir.length + 1);
  return (
    relative === 'haproxy.cfg' || relative === 'service-hosts.json' || /^hosts\/[^/]+(\/sshd_config)?$/.test(relative)
  );
}

/** True when a command line is one of the programs a fleet in `dir` starts (sshd, haproxy, the service, the host init). */
export function isFleetCommand(argv: readonly string[], dir: string): boolean {
  if (argv.length === 0 || !argv.some((arg) => isFleetArgument(arg, dir))) return false;
  const program = basename(argv[0] ?? '').replace(/:$/, '');
  return FLEET_PROGRAMS.has(program) || argv.some((arg) => arg.endsWith('/service.js'));
}

async function findProcesses(
  match: (argv: string[], ns: string | undefined) => boolean,
  namespaces: readonly string[],
): Promise<number[]> {
  const own = await mountNamespace('self');
  // Never sweep our own namespace, whatever a stale state file says.
  const foreign = new Set(namespaces.filter((ns) => ns !== own));
  const exclude = await selfAndAncestors();
  const found: number[] = [];
  for (const pid of await allPids()) {
    if (exclude.has(pid) || !(await isAlive(pid))) continue;
    const ns = foreign.size > 0 ? await mountNamespace(pid) : undefined;
    if ((ns !== undefined && foreign.has(ns)) || match(await commandLine(pid), ns)) found.push(pid);
  }
  return found;
}

/**
 * Every live process belonging to the fleet in `dir`: those whose command line
 * names the fleet dir (sshd, haproxy, services), and everything inside the
 * hosts' mount namespaces (SSH sessions, apt-get runs started over SSH).
 */
export function findFleetProcesses(dir: string, namespaces: readonly string[] = []): Promise<number[]> {
  return findProcesses((argv) => isFleetCommand(argv, dir), namespaces);
}

/** The processes of one host: its init/sshd/service, and anything in its mount namespace. */
export function findHostProcesses(dir: string, name: string, namespace: string | undefined): Promise<number[]> {
  const home = `${dir}/hosts/${name}`;
  return findProcesses(
    (argv) => isFleetCommand(argv, dir) && argv.some((arg) => arg === home || arg.startsWith(`${home}/`)),
    namespace ? [namespace] : [],
  );
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGTERM, wait up to graceMs, then SIGKILL what is left; resolves with pids that still would not die. */
export async function terminate(pids: readonly number[], graceMs = 3_000): Promise<number[]> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const stillAlive = async () =>
    (await Promise.all(pids.map(async (p) => ((await isAlive(p)) ? p : 0)))).filter(Boolean);
  try {
    await waitFor(async () => (await stillAlive()).length === 0, {
      what: 'fleet processes to exit',
      timeoutMs: graceMs,
      intervalMs: 50,
    });
    return [];
  } catch {
    for (const pid of await stillAlive()) signal(pid, 'SIGKILL');
  }
  try {
    await waitFor(async () => (await stillAlive()).length === 0, {
      what: 'killed processes to exit',
      timeoutMs: 3_000,
      intervalMs: 50,
    });
    return [];
  } catch {
    return stillAlive();
  }
}
