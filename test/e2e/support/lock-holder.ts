/**
 * Another process on a fleet host holding a package manager's lock, taken the
 * way the tool takes it (not flock(1), which apt and rpm do not see): started
 * over the system ssh client, it holds the lock for as long as the session's
 * stdin stays open, and lets go when `release()` closes it.
 */
import { spawn } from 'node:child_process';
import { sshArguments, waitFor } from '../../fleet/fleet.js';
import type { Fleet } from '../../fleet/fleet.js';

/** A script that takes a lock, prints `held`, and keeps it until stdin closes (no single quotes in `take`). */
const python = (take: string) => `exec python3 -c 'import sys\n${take}\nprint("held", flush=True)\nsys.stdin.read()'`;

/** Real locks, each as its own tool takes it. */
export const LOCKS = {
  /** apt and dpkg: an fcntl write lock on the frontend lock file (apt's own). */
  dpkgFrontend: python(
    'import fcntl\nf = open("/var/lib/dpkg/lock-frontend", "w")\nfcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)',
  ),
  /** rpm's transaction lock: an fcntl write lock on .rpm.lock in the database directory. */
  rpmTransaction: python(
    'import fcntl\nf = open("/var/lib/rpm/.rpm.lock", "a")\nfcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)',
  ),
  /** dnf's own RPMDB lock, taken by dnf's own code (dnf.lock), as a running dnf holds it. */
  dnfRpmdb: python('import dnf.lock\ndnf.lock.build_rpmdb_lock("/var/lib/dnf", True).__enter__()'),
  /** A running `zypper shell`: zypper itself holds /run/zypp.pid for as long as it runs. */
  zypperShell: [
    // zypper shell reads commands from a fifo this script keeps open: closing it ends zypper cleanly.
    'fifo=/run/lock-holder.fifo; rm -f $fifo; mkfifo $fifo',
    'zypper shell <$fifo >/dev/null 2>&1 & zypper=$!',
    'exec 3>$fifo',
    'while ! grep -qx "$zypper" /run/zypp.pid 2>/dev/null; do sleep 0.1; done',
    'echo held; cat >/dev/null',
    'exec 3>&-; wait $zypper; rm -f $fifo',
  ].join('\n'),
} as const;

export interface HeldLock {
  release(): Promise<void>;
}

export async function holdLock(fleet: Fleet, host: string, command: string): Promise<HeldLock> {
  const address = [...fleet.hosts, ...fleet.rpmHosts].find((candidate) => candidate.name === host)?.address;
  if (!address) throw new Error(`no host ${host} in the fleet`);
  const child = spawn('ssh', [...sshArguments(fleet), address, command], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  try {
    await waitFor(async () => /^held$/m.test(output), {
      what: `the lock holder on ${host}`,
      timeoutMs: 30_000,
      intervalMs: 50,
    });
  } catch (error) {
    child.kill();
    throw new Error(`${(error as Error).message}: ${output}`);
  }
  return {
    // Idempotent: a test may release early and again in its finally.
    async release() {
      if (!child.stdin.writableEnded) child.stdin.end();
      await exited;
    },
  };
}
