/**
 * dnf and yum. Both read with `rpm -q` and list what the repositories offer
 * with `list --showduplicates`. Installing: `dnf install -y name-version`
 * installs exactly that version whichever way it goes (dnf replaces a higher
 * installed version, see dnf(8) "install"), so one command serves upgrades
 * and downgrades. yum 3 refuses to install a lower version, so yum splits
 * the work into `yum install` and `yum downgrade`.
 *
 * A pin without an epoch means epoch 0 (rpm.ts), but dnf reads `demo-2.0` as
 * "2.0 in any epoch" and picks the highest: 1:2.0-3 over 2.0-3. So the
 * epoch is always spelled out: `demo-0:2.0`.
 *
 * `exit_on_lock`: a held dnf lock fails the command at once (exit 200)
 * instead of waiting for ever; manager.ts waits a bounded time and tries again.
 */
import type { ExecOutput, Versions } from '../../engine/index.js';
import { compareRpm } from '../../plan/versions.js';
import type { Command, PackageManagerDefinition } from './definition.js';
import { dnfLock } from './locks.js';
import { rpmDatabase } from './rpm.js';

const nevr = (name: string, version: string) => `${name}-${/^\d+:/.test(version) ? '' : '0:'}${version}`;

const EXIT_ON_LOCK = '--setopt=exit_on_lock=True';

export function dnfListCommand(tool: 'dnf' | 'yum', names: readonly string[], afterRefresh: boolean): Command {
  // Exit 1 is "No matching Packages to list": an answer (none), not a failure.
  const refresh = afterRefresh && tool === 'dnf' ? ['--refresh'] : [];
  return {
    argv: [tool, 'list', '--showduplicates', '-q', EXIT_ON_LOCK, ...refresh, ...names],
    privileged: false,
    okCodes: [1],
  };
}

const EVR = /^(\d+:)?[^\s:-]+-[^\s:-]+$/;

/**
 * Rows "name.arch  [epoch:]version-release  repo" under "Installed
 * Packages" / "Available Packages" headers. dnf wraps a long name onto a
 * line of its own, the rest of the row on the next; such pairs are joined.
 */
export function parseDnfList(output: ExecOutput): Map<string, string[]> {
  const available = new Map<string, string[]>();
  const lines = output.stdout.split('\n').map((line) => line.trim().split(/\s+/).filter(Boolean));
  for (let i = 0; i < lines.length; i++) {
    let fields = lines[i] ?? [];
    const next = lines[i + 1];
    if (fields.length === 1 && next?.length === 2 && EVR.test(next[0] ?? '')) {
      fields = [...fields, ...next];
      i++;
    }
    const [nameArch, evr] = fields;
    const dot = nameArch?.lastIndexOf('.') ?? -1;
    if (nameArch === undefined || evr === undefined || fields.length !== 3 || dot <= 0 || !EVR.test(evr)) continue;
    const name = nameArch.slice(0, dot);
    const versions = available.get(name) ?? [];
    if (!versions.includes(evr)) available.set(name, [...versions, evr]);
  }
  return available;
}

export function dnfInstallCommand(wanted: Readonly<Record<string, string>>): Command {
  return {
    argv: ['dnf', 'install', '-y', EXIT_ON_LOCK, ...Object.entries(wanted).map(([n, v]) => nevr(n, v))],
    privileged: true,
  };
}

/** yum: upgrades and new installs through `install`, lower versions through `downgrade`. */
export function yumInstallCommands(wanted: Readonly<Record<string, string>>, installed: Versions): Command[] {
  const up: string[] = [];
  const down: string[] = [];
  for (const [name, version] of Object.entries(wanted)) {
    const current = installed[name];
    const lower = current !== null && current !== undefined && compareRpm(current, version) > 0;
    (lower ? down : up).push(nevr(name, version));
  }
  return [
    ...(up.length > 0 ? [{ argv: ['yum', 'install', '-y', EXIT_ON_LOCK, ...up], privileged: true }] : []),
    ...(down.length > 0 ? [{ argv: ['yum', 'downgrade', '-y', EXIT_ON_LOCK, ...down], privileged: true }] : []),
  ];
}

export const dnf: PackageManagerDefinition = {
  kind: 'dnf',
  ...rpmDatabase,
  queryAvailable: (names, afterRefresh) => dnfListCommand('dnf', names, afterRefresh),
  parseAvailable: parseDnfList,
  refresh: undefined, // `--refresh` on the second look
  installCommands: (wanted) => (Object.keys(wanted).length === 0 ? [] : [dnfInstallCommand(wanted)]),
  lockHolder: dnfLock,
};

export const yum: PackageManagerDefinition = {
  kind: 'yum',
  ...rpmDatabase,
  queryAvailable: (names, afterRefresh) => dnfListCommand('yum', names, afterRefresh),
  parseAvailable: parseDnfList,
  refresh: { argv: ['yum', 'clean', 'expire-cache', EXIT_ON_LOCK], privileged: true },
  installCommands: yumInstallCommands,
  lockHolder: dnfLock,
};
