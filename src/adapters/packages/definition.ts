/**
 * What differs between apt, dnf, yum and zypper, as data and pure functions:
 * the commands to run and how to read their output. `manager.ts` holds the
 * one algorithm (read, check availability, install, verify) they share, so
 * each package manager is tested by the commands it builds and the sample
 * outputs it parses.
 */
import type { ExecOutput, Installed, Versions } from '../../engine/index.js';
import type { Result } from '../../core/result.js';
import type { PackageManagerKind } from '../../spec/schema.js';
import type { LockReader } from './locks.js';

export interface Command {
  argv: string[];
  privileged: boolean;
  /** Exit codes that carry an answer rather than a failure; `any` leaves the judgement to the parser. */
  okCodes?: readonly number[] | 'any';
}

export interface PackageManagerDefinition {
  kind: PackageManagerKind;
  queryInstalled(names: readonly string[]): Command;
  /** Every asked name gets a version or null; an unexpected output is a failure (the host is added by the caller). */
  parseInstalled(output: ExecOutput, names: readonly string[]): Result<Installed>;
  /** Versions the repositories offer; `afterRefresh` is the second look, once metadata was refreshed. */
  queryAvailable(names: readonly string[], afterRefresh: boolean): Command;
  parseAvailable(output: ExecOutput): Map<string, string[]>;
  /** Refreshes repository metadata before the second look; undefined when `queryAvailable` does it itself. */
  refresh: Command | undefined;
  /** Whether a version the host has or can get is the one the spec pins. */
  satisfies(pin: string, version: string): boolean;
  /** The commands that bring `wanted` about from `installed` (upgrades and downgrades). */
  installCommands(wanted: Readonly<Record<string, string>>, installed: Versions): Command[];
  /**
   * Removes exactly these packages, and fails rather than remove anything
   * that depends on them (dpkg --remove, rpm -e — never apt-get/dnf remove).
   */
  removeCommand(names: readonly string[]): Command;
  /** Finishes what an interrupted install left unsettled (dpkg --configure -a); undefined when nothing can be. */
  repair: Command | undefined;
  /** What holds the lock a failed command could not get (its stderr), or undefined when it failed for another reason. */
  lockHolder: LockReader;
}
