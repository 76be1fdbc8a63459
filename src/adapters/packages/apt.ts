/**
 * apt: dpkg-query reads what is installed, apt-cache madison what the
 * repositories offer, apt-get installs exact versions. A Debian pin matches
 * only the identical version string ("1.1" is not "1.1-1"), as `apt-get
 * install name=version` requires.
 */
import type { ExecOutput, Installed, Versions } from '../../engine/index.js';
import type { Result } from '../../core/result.js';
import { fail, ok } from '../../core/result.js';
import type { Command, PackageManagerDefinition } from './definition.js';
import { aptLock } from './locks.js';

export const DPKG_QUERY_FORMAT = '${Package}\\t${Version}\\t${db:Status-Abbrev}\\n';

export function dpkgQueryCommand(names: readonly string[]): Command {
  // dpkg-query exits 1 when some name is not known at all; that is an answer (null), judged by the parser.
  return { argv: ['dpkg-query', '-W', `-f=${DPKG_QUERY_FORMAT}`, ...names], privileged: false, okCodes: [1] };
}

/** dpkg's second status letter for a package on disk that an interrupted install left unfinished. */
const UNSETTLED: Record<string, string> = {
  U: 'unpacked',
  F: 'half-configured',
  H: 'half-installed',
  W: 'triggers-awaited',
  t: 'triggers-pending',
};

/**
 * Lines "name\tversion\tii ". Installed (`i`) is at its version; so is a
 * package an interrupted install left on disk (`iU`, `iF`…), flagged as
 * unsettled — never read as absent, or a rollback would remove it. Removed
 * with its config kept (`rc`) or never installed is null.
 */
export function parseDpkgQuery(output: ExecOutput, names: readonly string[]): Result<Installed> {
  const unexpected = output.stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !/no packages found matching/i.test(line));
  if (output.code !== 0 && unexpected.length > 0) return fail(`dpkg-query failed: ${unexpected.join('; ')}`);
  const versions: Versions = Object.fromEntries(names.map((name) => [name, null]));
  const unsettled: Record<string, string> = {};
  for (const line of output.stdout.split('\n')) {
    const [name, version, status] = line.split('\t');
    if (name === undefined || version === undefined || status === undefined || !(name in versions)) continue;
    if (version === '') continue;
    const state = status[1] ?? '';
    if (state === 'i') versions[name] = version;
    const unfinished = UNSETTLED[state];
    if (unfinished !== undefined) {
      versions[name] = version;
      unsettled[name] = unfinished;
    }
  }
  return ok({ versions, unsettled });
}

export function madisonCommand(names: readonly string[]): Command {
  return { argv: ['apt-cache', 'madison', ...names], privileged: false };
}

/** Lines "  demo |   1.1 | file:/repo ./ Packages"; source-package lines ("… Sources") are not installable. */
export function parseMadison(output: ExecOutput): Map<string, string[]> {
  const available = new Map<string, string[]>();
  for (const line of output.stdout.split('\n')) {
    const [name, version, origin] = line.split('|').map((field) => field.trim());
    if (!name || !version || origin === undefined || /\bSources$/.test(origin)) continue;
    available.set(name, [...(available.get(name) ?? []), version]);
  }
  return available;
}

export const APT_UPDATE: Command = { argv: ['apt-get', 'update', '-q'], privileged: true };

export function aptInstallCommand(wanted: Readonly<Record<string, string>>): Command {
  return {
    argv: [
      'env',
      'DEBIAN_FRONTEND=noninteractive',
      'apt-get',
      'install',
      '-y',
      '-q',
      '--allow-downgrades',
      // Keep the host's own config files. A held dpkg lock fails at once (no DPkg::Lock::Timeout):
      // manager.ts waits for it and tries again, as for every package manager.
      '-o',
      'Dpkg::Options::=--force-confold',
      ...Object.entries(wanted).map(([name, version]) => `${name}=${version}`),
    ],
    privileged: true,
  };
}

/** dpkg refuses (exit 1) when an installed package depends on one of them; apt-get remove would take those too. */
export function dpkgRemoveCommand(names: readonly string[]): Command {
  return { argv: ['dpkg', '--remove', ...names], privileged: true };
}

export const apt: PackageManagerDefinition = {
  kind: 'apt',
  queryInstalled: dpkgQueryCommand,
  parseInstalled: parseDpkgQuery,
  queryAvailable: (names) => madisonCommand(names),
  parseAvailable: parseMadison,
  refresh: APT_UPDATE,
  satisfies: (pin, version) => pin === version,
  installCommands: (wanted) => (Object.keys(wanted).length === 0 ? [] : [aptInstallCommand(wanted)]),
  removeCommand: dpkgRemoveCommand,
  // Configures what an interrupted dpkg left unpacked or half-configured; a no-op when nothing is.
  repair: { argv: ['dpkg', '--configure', '-a'], privileged: true },
  lockHolder: aptLock,
};
