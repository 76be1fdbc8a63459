import { describe, expect, it } from 'vitest';
import type { PackageManager, PackageManagers, RemoteShell, RemoteShells } from '../engine/index.js';
import { fail, ok, okVoid } from '../core/result.js';
import { rolloutFixture } from '../testing/rollout-builder.js';
import { prefetchRepositoryCheck } from './repository-check.js';

/** A package manager that records every repository query and refuses the versions it is told to. */
function recordingManagers(missing: string[] = []) {
  const asked: string[] = [];
  const manager: PackageManager = {
    kind: 'apt',
    installed: async () => ok({ versions: {}, unsettled: {} }),
    install: async () => ok({}),
    ensureAvailable: async (shell, wanted) => {
      asked.push(`${shell.host} ${Object.values(wanted).join(',')}`);
      const absent = Object.values(wanted).filter((v) => missing.includes(v));
      return absent.length === 0
        ? okVoid
        : fail(`${shell.host}: not in the apt repositories: demo=${absent.join(',')}`);
    },
  };
  const managers: PackageManagers = { apt: manager, dnf: manager, yum: manager, zypper: manager };
  return { managers, asked };
}

const shells: RemoteShells = {
  connect: async (host) =>
    ok<RemoteShell>({ host: host.name, exec: async () => ok({ code: 0, stdout: '', stderr: '' }) }),
  closeAll: async () => undefined,
};
const signal = new AbortController().signal;
const shellOf = (host: string): RemoteShell => ({ host, exec: async () => ok({ code: 0, stdout: '', stderr: '' }) });

describe('prefetchRepositoryCheck', () => {
  it('asks each host once: preflight gets the answer fetched while the fleet was read', async () => {
    // Given two hosts and the committed demo 1.1
    const rollout = rolloutFixture({ groups: [{ hosts: 2 }] });
    const { managers, asked } = recordingManagers();
    // When the answers are fetched early, then preflight asks
    const early = prefetchRepositoryCheck(rollout, shells, managers, signal);
    await early.started;
    const answers = await Promise.all(
      ['web-01', 'web-02'].map((h) => early.packageManagers.apt.ensureAvailable(shellOf(h), { demo: '1.1' })),
    );
    // Then one query per host in all, and preflight got them
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(asked.sort()).toEqual(['web-01 1.1', 'web-02 1.1']);
  });

  it('asks again for another question (a resumed rollback’s old versions) and after a refusal', async () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 1, packages: { demo: '9.9' } }] });
    const { managers, asked } = recordingManagers(['9.9']);
    const early = prefetchRepositoryCheck(rollout, shells, managers, signal);
    await early.started;
    const refused = await early.packageManagers.apt.ensureAvailable(shellOf('web-01'), { demo: '9.9' });
    await early.packageManagers.apt.ensureAvailable(shellOf('web-01'), { demo: '1.0' });
    // The refusal still reaches preflight, with its message
    expect(refused).toEqual({ ok: false, error: { message: 'web-01: not in the apt repositories: demo=9.9' } });
    expect(asked).toEqual(['web-01 9.9', 'web-01 9.9', 'web-01 1.0']);
  });
});

describe('prefetchRepositoryCheck with a surveying package manager', () => {
  /** A manager that can survey: records each question it is asked, by kind. */
  function surveyingManagers() {
    const asked: string[] = [];
    const manager: PackageManager = {
      kind: 'apt',
      installed: async (shell) => {
        asked.push(`installed ${shell.host}`);
        return ok({ versions: { demo: '1.1' }, unsettled: {} });
      },
      install: async () => ok({}),
      ensureAvailable: async (shell) => {
        asked.push(`ensureAvailable ${shell.host}`);
        return okVoid;
      },
      survey: async (shell) => {
        asked.push(`survey ${shell.host}`);
        return ok({ installed: { versions: { demo: '1.0' }, unsettled: {} }, missing: [] });
      },
    };
    const managers: PackageManagers = { apt: manager, dnf: manager, yum: manager, zypper: manager };
    return { managers, asked };
  }

  it('Given two hosts, When the fleet is read and preflight asks, Then each host answers one survey and nothing else; a later read goes to the host', async () => {
    const rollout = rolloutFixture({ groups: [{ hosts: 2 }] });
    const { managers, asked } = surveyingManagers();
    const early = prefetchRepositoryCheck(rollout, shells, managers, signal);
    // The fleet read (observe) asks for installed versions while the prefetch runs.
    const read = await Promise.all(
      ['web-01', 'web-02'].map((h) => early.packageManagers.apt.installed(shellOf(h), ['demo'])),
    );
    await early.started;
    const checked = await Promise.all(
      ['web-01', 'web-02'].map((h) => early.packageManagers.apt.ensureAvailable(shellOf(h), { demo: '1.1' })),
    );
    expect(read.map((r) => r.ok && r.value.versions)).toEqual([{ demo: '1.0' }, { demo: '1.0' }]);
    expect(checked.every((c) => c.ok)).toBe(true);
    expect(asked.sort()).toEqual(['survey web-01', 'survey web-02']);
    // During its batch, the host is read again, from the host.
    await early.packageManagers.apt.installed(shellOf('web-01'), ['demo']);
    expect(asked).toContain('installed web-01');
  });
});
