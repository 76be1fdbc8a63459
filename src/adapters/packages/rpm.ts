/**
 * What dnf, yum and zypper share: `rpm -q` reads installed versions, and the
 * rule for when a pinned version matches an EVR (epoch:version-release).
 *
 * A pin is `[epoch:]version[-release]`. It matches an EVR when the epochs are
 * equal (a pin without one means epoch 0, as rpm and the planner read it),
 * the versions are equal, and — only if the pin names a release — the
 * releases are equal. So "1.1" matches 1.1-3.el9 and 0:1.1-4, "1.1-3" only
 * 1.1-3, and "2:1.1" only epoch 2. Installed versions are reported as rpm
 * prints them, without a zero epoch: "1.1-3.el9", "2:1.1-3".
 */
import type { ExecOutput, Installed, Versions } from '../../engine/index.js';
import type { Result } from '../../core/result.js';
import { fail, ok } from '../../core/result.js';
import type { Command, PackageManagerDefinition } from './definition.js';

export interface Evr {
  epoch: number;
  version: string;
  release: string | undefined;
}

export function parseEvr(text: string): Evr {
  const colon = /^(\d+):/.exec(text);
  const rest = colon ? text.slice(colon[0].length) : text;
  const dash = rest.lastIndexOf('-');
  return {
    epoch: colon ? Number(colon[1]) : 0,
    version: dash >= 0 ? rest.slice(0, dash) : rest,
    release: dash >= 0 ? rest.slice(dash + 1) : undefined,
  };
}

export function formatEvr(evr: Evr): string {
  return `${evr.epoch === 0 ? '' : `${evr.epoch}:`}${evr.version}${evr.release === undefined ? '' : `-${evr.release}`}`;
}

export function rpmPinMatches(pin: string, version: string): boolean {
  const wanted = parseEvr(pin);
  const have = parseEvr(version);
  return (
    wanted.epoch === have.epoch &&
    wanted.version === have.version &&
    (wanted.release === undefined || wanted.release === have.release)
  );
}

export const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n';

export function rpmQueryCommand(names: readonly string[]): Command {
  // rpm -q exits with the number of packages not installed; the parser reads the lines instead.
  return { argv: ['rpm', '-q', '--qf', RPM_QUERY_FORMAT, ...names], privileged: false, okCodes: 'any' };
}

/**
 * "name\t0:1.1-3.el9" per installed package, "package x is not installed"
 * for the others. With several versions installed (install-only packages
 * such as kernels) the last one rpm lists is reported.
 */
export function parseRpmQuery(output: ExecOutput, names: readonly string[]): Result<Installed> {
  const versions: Versions = Object.fromEntries(names.map((name) => [name, null]));
  let understood = 0;
  for (const line of output.stdout.split('\n')) {
    const [name, evr] = line.split('\t');
    if (name !== undefined && evr !== undefined && name in versions) {
      versions[name] = formatEvr(parseEvr(evr));
      understood++;
    } else if (/^package \S+ is not installed$/.test(line.trim())) {
      understood++;
    }
  }
  if (output.code !== 0 && understood === 0) {
    return fail(
      `rpm -q failed (exit ${output.code}): ${(output.stderr || output.stdout).trim().split('\n').slice(-3).join('; ')}`,
    );
  }
  // rpm's database has no half-installed state to read: an interrupted transaction leaves the package listed or not.
  return ok({ versions, unsettled: {} });
}

/** rpm refuses when an installed package depends on one of them; dnf/yum/zypper remove would take those too. */
export function rpmEraseCommand(names: readonly string[]): Command {
  return { argv: ['rpm', '-e', ...names], privileged: true };
}

/** What dnf, yum and zypper share because they all sit on the rpm database: reading it, pins, removal. */
export const rpmDatabase = {
  queryInstalled: rpmQueryCommand,
  parseInstalled: parseRpmQuery,
  satisfies: rpmPinMatches,
  removeCommand: rpmEraseCommand,
  repair: undefined,
} satisfies Partial<PackageManagerDefinition>;
