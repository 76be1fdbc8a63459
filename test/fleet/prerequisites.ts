import { constants } from 'node:fs';
import { access, chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runChecked } from './exec.js';

/** The programs a fleet runs, and the Debian package that brings each. */
const REQUIREMENTS = {
  sshd: 'openssh-server',
  ssh: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  haproxy: 'haproxy',
  'dpkg-deb': 'dpkg',
  'dpkg-scanpackages': 'dpkg-dev',
  'apt-get': 'apt',
  unshare: 'util-linux',
  mount: 'mount',
  hostname: 'hostname',
  // The deploy user (deploy-user.ts): its account, its sudo rule, and the check that it can read the keys.
  sudo: 'sudo',
  visudo: 'sudo',
  useradd: 'passwd',
  usermod: 'passwd',
  runuser: 'util-linux',
  getent: 'libc-bin',
} as const;

/** What RPM hosts need besides (rpm-repo.ts, host-init-rpm.sh): only installed when a fleet has any. */
const RPM_REQUIREMENTS = {
  rpm: 'rpm',
  rpmbuild: 'rpm',
  createrepo_c: 'createrepo-c',
  dnf: 'dnf',
  zypper: 'zypper',
} as const;

const ALL_REQUIREMENTS = { ...REQUIREMENTS, ...RPM_REQUIREMENTS };

export type Tool = keyof typeof REQUIREMENTS;
export type RpmTool = keyof typeof RPM_REQUIREMENTS;
/** Absolute paths: sshd refuses to start from a relative one (it re-executes itself per connection). */
export type Tools = Record<Tool, string> & Partial<Record<RpmTool, string>>;

// sbin directories are searched even when PATH lacks them (non-root shells often do).
const SEARCH_DIRS = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];

async function findExecutable(command: string): Promise<string | undefined> {
  for (const dir of SEARCH_DIRS.filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

type AnyTool = Tool | RpmTool;

async function locateTools(rpm: boolean): Promise<{ found: Partial<Record<AnyTool, string>>; missing: AnyTool[] }> {
  const found: Partial<Record<AnyTool, string>> = {};
  const missing: AnyTool[] = [];
  const wanted = Object.keys(rpm ? ALL_REQUIREMENTS : REQUIREMENTS) as AnyTool[];
  for (const tool of wanted) {
    const path = await findExecutable(tool);
    if (path) found[tool] = path;
    else missing.push(tool);
  }
  return { found, missing };
}

function packagesFor(tools: readonly AnyTool[]): string[] {
  return [...new Set(tools.map((tool) => ALL_REQUIREMENTS[tool]))];
}

/**
 * Installs packages without letting their maintainer scripts start the system
 * sshd or haproxy: a system sshd on 0.0.0.0:22 would take the port every fleet
 * host needs. policy-rc.d exit 101 is Debian's documented "do not start services";
 * an existing policy is left as it is.
 */
async function aptInstall(packages: readonly string[]): Promise<void> {
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = await access(policy).then(
    () => false,
    () => true,
  );
  if (ownPolicy) {
    await writeFile(policy, '#!/bin/sh\n# written by lieutenant test/fleet during apt-get install\nexit 101\n');
    await chmod(policy, 0o755);
  }
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await runChecked('apt-get', ['update'], { env });
    await runChecked('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env });
  } finally {
    if (ownPolicy) await rm(policy, { force: true });
  }
}

/**
 * Makes sure this machine can run a fleet: root, and the programs above (with
 * `rpm`, those RPM hosts need too). As root, missing ones are installed with
 * apt-get (one update, one install); otherwise the error says exactly what to install.
 */
export async function ensurePrerequisites(
  log: (line: string) => void = () => {},
  options: { rpm?: boolean } = {},
): Promise<Tools> {
  const isRoot = process.getuid?.() === 0;
  const rpm = options.rpm ?? false;
  let { found, missing } = await locateTools(rpm);
  if (!isRoot) {
    const install =
      missing.length > 0 ? `\nMissing: ${missing.join(', ')} (apt-get install ${packagesFor(missing).join(' ')}).` : '';
    throw new Error(
      `The local fleet must run as root: it creates mount and UTS namespaces, bind-mounts /var/lib/dpkg, ` +
        `and binds sshd to port 22 on loopback addresses. Run it with sudo.${install}`,
    );
  }
  if (missing.length > 0) {
    const packages = packagesFor(missing);
    log(`installing ${packages.join(' ')} (missing: ${missing.join(', ')})`);
    await aptInstall(packages);
    ({ found, missing } = await locateTools(rpm));
    if (missing.length > 0) throw new Error(`still missing after apt-get install: ${missing.join(', ')}`);
  }
  // sshd's privilege-separation directory; packages create it only when systemd starts sshd.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  return found as Tools;
}
