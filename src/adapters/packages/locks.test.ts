import { describe, expect, it } from 'vitest';
import { aptLock, dnfLock, rpmLock, zypperLock } from './locks.js';

// The messages as the tools printed them on the fleet's hosts (Debian 12: apt 2.6, dpkg 1.21, rpm 4.18, dnf 4.14, zypper 1.14).
describe('lock readers', () => {
  it('Given apt-get and dpkg lock failures, When read, Then the lock file and its holder are named', () => {
    expect(
      aptLock(
        'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 9417 (python3)\n' +
          'E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?',
      ),
    ).toBe('/var/lib/dpkg/lock-frontend is held by process 9417 (python3)');
    expect(aptLock('E: Could not get lock /var/lib/apt/lists/lock. It is held by process 12 (apt-get)')).toBe(
      '/var/lib/apt/lists/lock is held by process 12 (apt-get)',
    );
    expect(
      aptLock('dpkg: error: dpkg frontend lock was locked by another process with pid 9417\nNote: removing…'),
    ).toBe('the dpkg frontend lock is held by process 9417');
  });

  it('Given rpm, dnf and zypper lock failures, When read, Then each names its lock and, where the tool says, its holder', () => {
    expect(
      rpmLock("error: can't create transaction lock on /var/lib/rpm/.rpm.lock (Resource temporarily unavailable)"),
    ).toBe("rpm's transaction lock /var/lib/rpm/.rpm.lock is held by another process");
    expect(
      dnfLock('RPMDB already locked by 9603\n  The application with PID 9603 is: python3\n    Memory :  45 M'),
    ).toBe("dnf's RPMDB lock is held by process 9603 (python3)");
    expect(
      dnfLock(
        "RPM: error: can't create transaction lock on /var/lib/rpm/.rpm.lock (x)\nError: Could not run transaction.",
      ),
    ).toBe("rpm's transaction lock /var/lib/rpm/.rpm.lock is held by another process");
    expect(
      zypperLock(
        'System management is locked by the application with pid 9881 (zypper).\nClose this application before trying again.',
      ),
    ).toBe("zypper's lock (zypp.pid) is held by process 9881 (zypper)");
  });

  it('Given failures that are not locks, When read, Then nothing is named', () => {
    expect(aptLock("E: Version '9.9' for 'demo' was not found")).toBeUndefined();
    expect(dnfLock('Error: Unable to find a match: demo-0:9.9')).toBeUndefined();
    expect(zypperLock("No provider of 'demo = 9.9' found.")).toBeUndefined();
  });
});
