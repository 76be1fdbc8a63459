/**
 * Reading "another process holds the lock" out of a failed command's output.
 * Every command Lieutenant runs fails at once on a held lock, before it
 * changes anything (apt and dpkg without a lock timeout, dnf and yum with
 * `exit_on_lock`, rpm and zypper by default); `manager.ts` then waits and
 * tries again, for a bounded time, the same way for every package manager.
 * Each reader answers what holds the lock, in the tool's own words, or
 * undefined when the failure is not a lock.
 */

export type LockReader = (output: string) => string | undefined;

const first = (output: string, patterns: readonly RegExp[]): RegExpExecArray | undefined => {
  for (const pattern of patterns) {
    const match = pattern.exec(output);
    if (match) return match;
  }
  return undefined;
};

/**
 * apt-get: "Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 9417 (python3)";
 * dpkg: "dpkg frontend lock was locked by another process with pid 9417" (also "dpkg status database is locked…").
 */
export const aptLock: LockReader = (output) => {
  const apt = /Could not get lock (\S+?)\.?(?:\s+It is held by process (\d+)(?: \(([^)]*)\))?)?(?:\s|$)/.exec(output);
  if (apt)
    return `${apt[1]} is held by ${apt[2] ? `process ${apt[2]}${apt[3] ? ` (${apt[3]})` : ''}` : 'another process'}`;
  const dpkg = first(output, [
    /dpkg (frontend lock|lock) was locked by another process with pid (\d+)/,
    /dpkg (status database) is locked by another process/,
  ]);
  return dpkg ? `the dpkg ${dpkg[1]} is held by ${dpkg[2] ? `process ${dpkg[2]}` : 'another process'}` : undefined;
};

/** rpm (and dnf, whose transaction rpm runs): "can't create transaction lock on /var/lib/rpm/.rpm.lock (…)". */
export const rpmLock: LockReader = (output) => {
  const match = /can't create transaction lock on (\S+)/.exec(output);
  return match ? `rpm's transaction lock ${match[1]} is held by another process` : undefined;
};

/** dnf/yum with exit_on_lock: "RPMDB already locked by 9603", then "The application with PID 9603 is: python3". */
export const dnfLock: LockReader = (output) => {
  const match = /(\S+) already locked by (\d+)/.exec(output);
  if (!match) return rpmLock(output);
  const program = new RegExp(`The application with PID ${match[2]} is: (.+)`).exec(output)?.[1]?.trim();
  return `dnf's ${match[1]} lock is held by process ${match[2]}${program ? ` (${program})` : ''}`;
};

/** zypper (exit 7): "System management is locked by the application with pid 9881 (zypper)." */
export const zypperLock: LockReader = (output) => {
  const match = /System management is locked by the application with pid (\d+)(?: \(([^)]*)\))?/.exec(output);
  if (!match) return rpmLock(output);
  return `zypper's lock (zypp.pid) is held by process ${match[1]}${match[2] ? ` (${match[2]})` : ''}`;
};
