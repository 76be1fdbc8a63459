/**
 * The one algorithm every package manager follows, over a `RemoteShell`:
 * read installed versions; check the repositories offer each pinned version
 * (refreshing their metadata once, and only when something is missing);
 * install (and remove what a rollback wants gone); then read again and fail
 * unless every package is at its pin — a held or replaced package must not
 * pass as upgraded.
 */
import type { Installed, PackageManager, RemoteShell, Survey, Versions } from '../../engine/index.js';
import type { Result } from '../../core/result.js';
import { fail, ok, okVoid } from '../../core/result.js';
import type { Command, PackageManagerDefinition } from './definition.js';
import { presentVersions } from '../../plan/versions.js';
import { describeCommand, judge, run } from './remote-run.js';
import { combinedCommand, splitCombined } from './combined.js';

/**
 * How long a command waits for a package-manager lock another process holds
 * (unattended-upgrades, an operator's own dnf), trying again every
 * `intervalMs`; then the host fails, naming the lock and its holder.
 */
export interface LockWait {
  timeoutMs: number;
  intervalMs: number;
}

export const DEFAULT_LOCK_WAIT: LockWait = { timeoutMs: 120_000, intervalMs: 2_000 };

const pause = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

const pinList = (names: readonly string[], wanted: Readonly<Record<string, string>>) =>
  names.map((name) => `${name}=${wanted[name]}`).join(', ');

export function createPackageManager(
  definition: PackageManagerDefinition,
  lockWait: LockWait = DEFAULT_LOCK_WAIT,
): PackageManager {
  /** Runs a command; while it fails on a lock another process holds, tries again until lockWait.timeoutMs. */
  async function runCommand(shell: RemoteShell, command: Command, signal: AbortSignal | undefined) {
    const started = Date.now();
    for (;;) {
      const result = await run(shell, command.argv, {
        privileged: command.privileged,
        signal,
        ...(command.okCodes ? { okCodes: command.okCodes } : {}),
      });
      if (result.ok) return result;
      const holder = definition.lockHolder(result.error.detail ?? '');
      if (holder === undefined || signal?.aborted) return result;
      const waited = Date.now() - started;
      if (waited + lockWait.intervalMs > lockWait.timeoutMs) {
        const seconds = Math.round(waited / 1000);
        return fail(
          `${shell.host}: ${describeCommand(command.argv)}: ${holder}; gave up after waiting ${seconds} s for it`,
          result.error.detail,
        );
      }
      await pause(lockWait.intervalMs, signal);
    }
  }

  async function installed(
    shell: RemoteShell,
    names: readonly string[],
    signal?: AbortSignal,
  ): Promise<Result<Installed>> {
    if (names.length === 0) return ok({ versions: {}, unsettled: {} });
    const output = await runCommand(shell, definition.queryInstalled(names), signal);
    if (!output.ok) return output;
    const versions = definition.parseInstalled(output.value, names);
    return versions.ok ? versions : fail(`${shell.host}: ${versions.error.message}`, versions.error.detail);
  }

  /** Names of `wanted` the listing does not offer at their pin. */
  function notOfferedIn(
    listing: Parameters<typeof definition.parseAvailable>[0],
    wanted: Readonly<Record<string, string>>,
  ) {
    const offered = definition.parseAvailable(listing);
    return Object.keys(wanted).filter(
      (name) => !(offered.get(name) ?? []).some((version) => definition.satisfies(wanted[name] ?? '', version)),
    );
  }

  /**
   * Reading the host and the first look at its repositories as one remote
   * command. No lock waits here: a part that failed (a lock held, say) fails
   * the survey, and the caller asks `installed` and `ensureAvailable`, which wait.
   */
  async function survey(
    shell: RemoteShell,
    wanted: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Result<Survey>> {
    const names = Object.keys(wanted);
    if (names.length === 0) return ok({ installed: { versions: {}, unsettled: {} }, missing: [] });
    const parts = [definition.queryInstalled(names), definition.queryAvailable(names, false)];
    const combined = combinedCommand(parts);
    const output = await run(shell, combined.argv, { privileged: combined.privileged, signal });
    if (!output.ok) return output;
    const split = splitCombined(output.value, parts.length);
    if (split === undefined) return fail(`${shell.host}: the combined ${definition.kind} query was cut short`);
    const [read, listed] = parts.map((part, i) =>
      judge(shell.host, part.argv, split[i] as typeof output.value, part.okCodes),
    );
    if (!read?.ok) return read ?? fail(`${shell.host}: no answer`);
    if (!listed?.ok) return listed ?? fail(`${shell.host}: no answer`);
    const installedNow = definition.parseInstalled(read.value, names);
    if (!installedNow.ok) return fail(`${shell.host}: ${installedNow.error.message}`, installedNow.error.detail);
    const have = installedNow.value.versions;
    const missingNow = notOfferedIn(listed.value, wanted).filter(
      (name) => !definition.satisfies(wanted[name] ?? '', have[name] ?? ''),
    );
    return ok({ installed: installedNow.value, missing: missingNow });
  }

  /** Names whose pin neither the repositories offer nor the host already has. */
  async function missing(
    shell: RemoteShell,
    wanted: Readonly<Record<string, string>>,
    afterRefresh: boolean,
    signal: AbortSignal | undefined,
  ): Promise<Result<string[]>> {
    const names = Object.keys(wanted);
    const listed = await runCommand(shell, definition.queryAvailable(names, afterRefresh), signal);
    if (!listed.ok) return listed;
    const notOffered = notOfferedIn(listed.value, wanted);
    if (notOffered.length === 0) return ok([]);
    const have = await installed(shell, notOffered, signal);
    if (!have.ok) return have;
    return ok(notOffered.filter((name) => !definition.satisfies(wanted[name] ?? '', have.value.versions[name] ?? '')));
  }

  async function ensureAvailable(
    shell: RemoteShell,
    wanted: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Result<void>> {
    if (Object.keys(wanted).length === 0) return okVoid;
    let absent = await missing(shell, wanted, false, signal);
    if (absent.ok && absent.value.length > 0) {
      if (definition.refresh !== undefined) {
        const refreshed = await runCommand(shell, definition.refresh, signal);
        if (!refreshed.ok) return refreshed;
      }
      absent = await missing(shell, wanted, true, signal);
    }
    if (!absent.ok) return absent;
    if (absent.value.length === 0) return okVoid;
    return fail(`${shell.host}: not in the ${definition.kind} repositories: ${pinList(absent.value, wanted)}`);
  }

  /**
   * Finishes what an interrupted install left (when anything is unsettled),
   * installs the pins, then removes (what a rollback removes is what the old
   * versions no longer need).
   */
  async function install(
    shell: RemoteShell,
    wanted: Versions,
    signal?: AbortSignal,
    known?: Installed,
  ): Promise<Result<Versions>> {
    const names = Object.keys(wanted);
    if (names.length === 0) return ok({});
    const read =
      known && names.every((name) => name in known.versions) ? ok(known) : await installed(shell, names, signal);
    if (!read.ok) return read;
    const before = read.value.versions;
    const unsettled = Object.keys(read.value.unsettled).length > 0;
    const pins = presentVersions(wanted);
    const removals = names.filter((name) => wanted[name] === null && before[name] !== null);
    const commands = [
      ...(unsettled && definition.repair ? [definition.repair] : []),
      ...definition.installCommands(pins, before),
      ...(removals.length > 0 ? [definition.removeCommand(removals)] : []),
    ];
    for (const command of commands) {
      const done = await runCommand(shell, command, signal);
      if (!done.ok) return done;
    }
    const reread = await installed(shell, names, signal);
    if (!reread.ok) return reread;
    const after = reread.value.versions;
    const left = reread.value.unsettled;
    const reached = (name: string, pin: string | null, version: string | null) =>
      pin === null ? version === null : version !== null && definition.satisfies(pin, version) && !(name in left);
    const wrong = names.filter((name) => !reached(name, wanted[name] ?? null, after[name] ?? null));
    if (wrong.length === 0) return ok(after);
    const found = wrong.map((name) => {
      const state = left[name];
      return `${name} is ${after[name] ?? 'not installed'}${state ? ` (${state})` : ''}, wanted ${wanted[name] ?? 'not installed'}`;
    });
    return fail(`${shell.host}: after ${definition.kind} install, ${found.join('; ')}`);
  }

  return { kind: definition.kind, installed, ensureAvailable, survey, install };
}
