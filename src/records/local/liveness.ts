/**
 * Is the process that wrote a lock or an active-run file still there? Alive
 * unless we can tell otherwise: a pid on another machine cannot be checked
 * from here, and one that exists but belongs to another user (EPERM) is alive.
 */
import { hostname } from 'node:os';

export function isAlive(holder: { pid: number; host: string }): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
