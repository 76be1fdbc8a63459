/**
 * zypper (SUSE). Reads with `rpm -q`; lists versions with an exact-match
 * search; installs `name=version` with `--oldpackage`, which lets the same
 * command go down as well as up.
 */
import type { ExecOutput } from '../../engine/index.js';
import type { Command, PackageManagerDefinition } from './definition.js';
import { zypperLock } from './locks.js';
import { rpmDatabase } from './rpm.js';

/** zypper's exit code when a search finds nothing (ZYPPER_EXIT_INF_CAP_NOT_FOUND). */
export const ZYPPER_NOTHING_FOUND = 104;

export function zypperSearchCommand(names: readonly string[]): Command {
  return {
    argv: ['zypper', '--non-interactive', '--no-refresh', 'search', '-s', '--match-exact', '-t', 'package', ...names],
    privileged: false,
    okCodes: [ZYPPER_NOTHING_FOUND],
  };
}

/** The table "S | Name | Type | Version | Arch | Repository", columns found by their header. */
export function parseZypperSearch(output: ExecOutput): Map<string, string[]> {
  const available = new Map<string, string[]>();
  let columns: string[] | undefined;
  for (const line of output.stdout.split('\n')) {
    if (!line.includes('|')) continue;
    const fields = line.split('|').map((field) => field.trim());
    if (columns === undefined) {
      if (fields.some((f) => f.toLowerCase() === 'version')) columns = fields.map((f) => f.toLowerCase());
      continue;
    }
    const field = (column: string) => fields[columns?.indexOf(column) ?? -1];
    const name = field('name');
    const version = field('version');
    const type = field('type');
    if (!name || !version || (type !== undefined && type !== 'package')) continue;
    const versions = available.get(name) ?? [];
    if (!versions.includes(version)) available.set(name, [...versions, version]);
  }
  return available;
}

export function zypperInstallCommand(wanted: Readonly<Record<string, string>>): Command {
  return {
    argv: [
      'zypper',
      '--non-interactive',
      'install',
      '--oldpackage',
      ...Object.entries(wanted).map(([n, v]) => `${n}=${v}`),
    ],
    privileged: true,
  };
}

export const zypper: PackageManagerDefinition = {
  kind: 'zypper',
  ...rpmDatabase,
  queryAvailable: (names) => zypperSearchCommand(names),
  parseAvailable: parseZypperSearch,
  refresh: { argv: ['zypper', '--non-interactive', 'refresh'], privileged: true },
  installCommands: (wanted) => (Object.keys(wanted).length === 0 ? [] : [zypperInstallCommand(wanted)]),
  lockHolder: zypperLock,
};
