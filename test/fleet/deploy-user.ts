import { access, chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { runChecked, runCommand } from './exec.js';
import { hostPaths } from './paths.js';
import { ensurePrerequisites } from './prerequisites.js';
import type { Tools } from './prerequisites.js';
import type { Fleet } from './types.js';

/**
 * A non-root deploy account, for inventories with `become: sudo`. Fleet hosts
 * share /etc and /home with the machine (only package state, /opt and
 * /var/log are private), so the account and its sudo rule are the machine's:
 * made once, kept by `down`, shared by every fleet on the machine.
 */
export const DEFAULT_SUDO_USER = 'lieutenant-deploy';

const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

function checkedName(name: string): string {
  if (!USER_NAME.test(name) || name === 'root')
    throw new Error(`a deploy user must be a plain non-root account name, got ${name}`);
  return name;
}

/** The account's password field in /etc/shadow, or undefined when there is no such account. */
async function passwordField(name: string, getent: string): Promise<string | undefined> {
  const entry = await runCommand(getent, ['shadow', name]);
  return entry.code === 0 ? (entry.stdout.split(':')[1] ?? '') : undefined;
}

/**
 * Makes sure `name` is an account that can log in with a key: created if
 * missing, and its password field `*` (no password) rather than locked (`!…`),
 * because sshd with `UsePAM no` refuses locked accounts even for keys.
 */
export async function ensureLoginUser(
  nameOption: string,
  tools: Pick<Tools, 'useradd' | 'usermod' | 'getent'>,
): Promise<void> {
  const name = checkedName(nameOption);
  if ((await passwordField(name, tools.getent)) === undefined) {
    const created = await runCommand(tools.useradd, ['--system', '--create-home', '--shell', '/bin/bash', name]);
    // Another fleet starting at the same moment may have made it first: only a still-missing account is an error.
    if (created.code !== 0 && (await passwordField(name, tools.getent)) === undefined) {
      throw new Error(`useradd ${name} exited ${created.code}: ${created.stderr.trim()}`);
    }
  }
  const password = await passwordField(name, tools.getent);
  if (password === '' || password?.startsWith('!')) await runChecked(tools.usermod, ['--password', '*', name]);
}

/**
 * The sudo rule: every command as root without a password. sudo logs each
 * command it runs to /var/log/sudo.log — which is per host inside the fleet
 * (its /var/log is private), so a test can read on each host what ran as root.
 */
export function sudoersRule(name: string): string {
  return (
    `# Written by lieutenant test/fleet: the fleet's deploy user (inventory ssh.become: sudo).\n` +
    `Defaults:${name} logfile=/var/log/sudo.log, loglinelen=0\n` +
    `${name} ALL=(root) NOPASSWD: ALL\n`
  );
}

export const sudoersPath = (name: string): string => `/etc/sudoers.d/${name}`;

/**
 * Writes /etc/sudoers.d/NAME (0440), checked with `visudo -cf` before it is
 * renamed into place: a broken sudoers file would lock sudo for everyone.
 * The draft's name holds a dot, which sudo's #includedir skips.
 */
export async function grantPasswordlessSudo(nameOption: string, tools: Pick<Tools, 'visudo'>): Promise<void> {
  const name = checkedName(nameOption);
  const path = sudoersPath(name);
  const rule = sudoersRule(name);
  if ((await readFile(path, 'utf8').catch(() => '')) === rule) {
    await chmod(path, 0o440);
    return;
  }
  const draft = `${path}.${process.pid}.draft`;
  try {
    await writeFile(draft, rule, { mode: 0o440 });
    await chmod(draft, 0o440);
    await runChecked(tools.visudo, ['-c', '-q', '-f', draft]);
    await rename(draft, path);
  } finally {
    await rm(draft, { force: true });
  }
}

/**
 * sshd reads AuthorizedKeysFile as the user logging in, so the fleet's file
 * (and every directory above it) must be readable by the deploy user. Checked
 * as that user, so the error comes before any host starts, and says why.
 */
export async function assertReadableBy(name: string, path: string, tools: Pick<Tools, 'runuser'>): Promise<void> {
  const probe = await runCommand(tools.runuser, ['-u', name, '--', 'test', '-r', path]);
  if (probe.code !== 0) {
    throw new Error(
      `${name} cannot read ${path}: sshd reads the authorized keys as the user logging in, so every directory ` +
        `above the fleet dir must be searchable by others (chmod o+x), or pick a --dir outside private directories`,
    );
  }
}

/** Account and sudo rule for a deploy user; resolves once both are in place. */
export async function ensureSudoUser(
  name: string,
  tools: Pick<Tools, 'useradd' | 'usermod' | 'getent' | 'visudo'>,
): Promise<void> {
  await ensureLoginUser(name, tools);
  await grantPasswordlessSudo(name, tools);
}

/**
 * A second kind of account, for tests of what a missing sudo rule does: logs
 * in with the fleet's key like the deploy user, but no sudoers file names it.
 */
export async function ensureUserWithoutSudo(
  nameOption: string,
  tools?: Pick<Tools, 'useradd' | 'usermod' | 'getent'>,
): Promise<void> {
  const name = checkedName(nameOption);
  await ensureLoginUser(name, tools ?? (await ensurePrerequisites()));
  if (
    await access(sudoersPath(name)).then(
      () => true,
      () => false,
    )
  ) {
    throw new Error(`${name} is meant to have no sudo rule, but ${sudoersPath(name)} gives it one`);
  }
}

/**
 * The promise the fleet makes, checked for real on its first host: the deploy
 * user logs in with the fleet's key and `sudo -n` runs a command as root.
 */
export async function assertSudoLogin(fleet: Fleet, name: string): Promise<void> {
  const host = fleet.hosts[0];
  if (!host) return;
  const answer = await fleet.ssh(host.name, 'sudo -n id -un', { user: name });
  if (answer.code !== 0 || answer.stdout.trim() !== 'root') {
    const sshdLog = (await readFile(hostPaths(fleet.dir, host.name).sshdLog, 'utf8').catch(() => ''))
      .trim()
      .split('\n')
      .slice(-5)
      .join('\n');
    throw new Error(
      `${name} cannot run sudo -n on ${host.name} (ssh exited ${answer.code}): ${(answer.stderr || answer.stdout).trim()}\n--- sshd log\n${sshdLog}`,
    );
  }
}
