import { describe, expect, it } from 'vitest';
import type { ExecOptions, ExecOutput, Installed, RemoteShell, Versions } from '../../engine/index.js';
import type { Result } from '../../core/result.js';
import { ok } from '../../core/result.js';
import { apt, DPKG_QUERY_FORMAT } from './apt.js';
import { createPackageManager } from './manager.js';

/** A host that answers each command by its first words, and records what ran and whether as root. */
function scriptedHost(answers: Array<[prefix: string, output: Partial<ExecOutput>]>) {
  const ran: string[] = [];
  const shell: RemoteShell = {
    host: 'web-01',
    async exec(argv: readonly string[], options?: ExecOptions): Promise<Result<ExecOutput>> {
      const line = argv.join(' ');
      ran.push(`${options?.privileged ? '# ' : '$ '}${line}`);
      const index = answers.findIndex(([prefix]) => line.startsWith(prefix));
      const [, answer] = answers.splice(index, 1)[0] ?? ['', { code: 127, stderr: `unexpected: ${line}` }];
      return ok({ code: 0, stdout: '', stderr: '', ...answer });
    },
  };
  return { shell, ran };
}

const manager = createPackageManager(apt);

/** What a host has when no install was interrupted there. */
const settled = (versions: Versions): Installed => ({ versions, unsettled: {} });

describe('ensureAvailable', () => {
  it('Given the version is listed, When checked, Then apt-get update is not run', async () => {
    const host = scriptedHost([['apt-cache madison demo', { stdout: ' demo | 1.1 | file:/r ./ Packages\n' }]]);
    expect(await manager.ensureAvailable(host.shell, { demo: '1.1' })).toEqual({ ok: true, value: undefined });
    expect(host.ran).toEqual(['$ apt-cache madison demo']);
  });

  it('Given the version appears only after apt-get update, When checked, Then update runs once, as root, and it passes', async () => {
    const host = scriptedHost([
      ['apt-cache madison demo', { stdout: ' demo | 1.0 | file:/r ./ Packages\n' }],
      ['dpkg-query', { stdout: 'demo\t1.0\tii \n' }],
      ['apt-get update', {}],
      ['apt-cache madison demo', { stdout: ' demo | 1.1 | file:/r ./ Packages\n' }],
    ]);
    expect((await manager.ensureAvailable(host.shell, { demo: '1.1' })).ok).toBe(true);
    expect(host.ran.filter((line) => line.includes('apt-get update'))).toEqual(['# apt-get update -q']);
  });

  it('Given versions missing even after update, When checked, Then the failure names each name=version', async () => {
    const host = scriptedHost([
      ['apt-cache madison', { stdout: ' demo | 1.0 | file:/r ./ Packages\n' }],
      ['dpkg-query', { stdout: 'demo\t1.0\tii \n', stderr: 'dpkg-query: no packages found matching nope\n', code: 1 }],
      ['apt-get update', {}],
      ['apt-cache madison', { stdout: ' demo | 1.0 | file:/r ./ Packages\n' }],
      ['dpkg-query', { stdout: 'demo\t1.0\tii \n', stderr: 'dpkg-query: no packages found matching nope\n', code: 1 }],
    ]);
    const result = await manager.ensureAvailable(host.shell, { demo: '9.9', nope: '1.0' });
    expect(result).toEqual({
      ok: false,
      error: { message: 'web-01: not in the apt repositories: demo=9.9, nope=1.0' },
    });
  });

  it('Given the pinned version is installed but gone from the repositories, When checked, Then it counts as available', async () => {
    const host = scriptedHost([
      ['apt-cache madison', { stdout: ' demo | 2.0 | file:/r ./ Packages\n' }],
      ['dpkg-query', { stdout: 'demo\t1.0\tii \n' }],
    ]);
    expect((await manager.ensureAvailable(host.shell, { demo: '1.0' })).ok).toBe(true);
  });
});

describe('install', () => {
  it('Given a successful apt-get, When the host then reads the pin, Then install passes', async () => {
    const host = scriptedHost([
      ['dpkg-query', { stdout: 'demo\t1.0\tii \n' }],
      ['env DEBIAN_FRONTEND=noninteractive apt-get install', {}],
      ['dpkg-query', { stdout: 'demo\t1.1\tii \n' }],
    ]);
    expect(await manager.install(host.shell, { demo: '1.1' })).toEqual({ ok: true, value: { demo: '1.1' } });
    expect(host.ran[1]).toMatch(/^# env DEBIAN_FRONTEND=noninteractive apt-get install .* demo=1\.1$/);
  });

  it('Given the versions the caller has just read, When installing, Then it does not read them again (one SSH round trip less)', async () => {
    const host = scriptedHost([
      ['env DEBIAN_FRONTEND=noninteractive apt-get install', {}],
      ['dpkg-query', { stdout: 'demo\t1.1\tii \n' }],
    ]);
    expect(await manager.install(host.shell, { demo: '1.1' }, undefined, settled({ demo: '1.0' }))).toEqual({
      ok: true,
      value: { demo: '1.1' },
    });
    expect(host.ran).toHaveLength(2);
  });

  it('Given apt-get fails, When installing, Then the failure names the command and carries the stderr tail', async () => {
    const host = scriptedHost([
      ['dpkg-query', { stdout: 'demo\t1.0\tii \n' }],
      [
        'env',
        {
          code: 100,
          stderr:
            'Setting up demo (1.2) ...\ndpkg: error processing package demo (--configure):\n subprocess installed post-installation script returned error exit status 1\n',
        },
      ],
    ]);
    const result = await manager.install(host.shell, { demo: '1.2' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe('web-01: apt-get install demo=1.2 exited 100');
    expect(result.error.detail).toContain('post-installation script returned error exit status 1');
  });

  it('Given a rollback that removes a newly installed package, When installing, Then the old pins go in first and dpkg --remove (never apt-get remove) takes exactly that package', async () => {
    const host = scriptedHost([
      ['env DEBIAN_FRONTEND=noninteractive apt-get install', {}],
      ['dpkg --remove', {}],
      ['dpkg-query', { stdout: 'demo\t1.0\tii \ndemo-addon\t1.0\trc \n' }],
    ]);
    const result = await manager.install(
      host.shell,
      { demo: '1.0', 'demo-addon': null },
      undefined,
      settled({ demo: '1.2', 'demo-addon': '1.0' }),
    );
    expect(result).toEqual({ ok: true, value: { demo: '1.0', 'demo-addon': null } });
    expect(host.ran[0]).toMatch(/^# env DEBIAN_FRONTEND=noninteractive apt-get install .* demo=1\.0$/);
    expect(host.ran.slice(1)).toEqual([
      '# dpkg --remove demo-addon',
      `$ dpkg-query -W -f=${DPKG_QUERY_FORMAT} demo demo-addon`,
    ]);
  });

  it('Given a package to remove that something else depends on, When installing, Then dpkg refuses and the failure says why', async () => {
    const host = scriptedHost([
      [
        'dpkg --remove',
        {
          code: 1,
          stderr: 'dpkg: dependency problems prevent removal of demo-addon:\n demo-plugins depends on demo-addon.\n',
        },
      ],
    ]);
    const result = await manager.install(
      host.shell,
      { 'demo-addon': null },
      undefined,
      settled({ 'demo-addon': '1.0' }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe('web-01: dpkg --remove demo-addon exited 1');
    expect(result.error.detail).toContain('demo-plugins depends on demo-addon');
  });

  it('Given a package to remove that is not installed, When installing, Then nothing is removed', async () => {
    const host = scriptedHost([
      ['dpkg-query', { stdout: '', stderr: 'dpkg-query: no packages found matching demo-addon\n', code: 1 }],
    ]);
    expect(
      await manager.install(host.shell, { 'demo-addon': null }, undefined, settled({ 'demo-addon': null })),
    ).toEqual({
      ok: true,
      value: { 'demo-addon': null },
    });
    expect(host.ran).toEqual([`$ dpkg-query -W -f=${DPKG_QUERY_FORMAT} demo-addon`]);
  });

  it('Given apt-get exits 0 but the package stays put, When installing, Then it fails saying what is installed', async () => {
    const host = scriptedHost([
      ['dpkg-query', { stdout: 'demo\t1.0\thi \n' }],
      ['env', {}],
      ['dpkg-query', { stdout: 'demo\t1.0\thi \n' }],
    ]);
    expect(await manager.install(host.shell, { demo: '1.1' })).toEqual({
      ok: false,
      error: { message: 'web-01: after apt install, demo is 1.0, wanted 1.1' },
    });
  });
});

describe('a lock another process holds', () => {
  const LOCKED = {
    code: 100,
    stderr:
      'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 9417 (unattended-upgr)\n' +
      'E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n',
  };
  const quick = createPackageManager(apt, { timeoutMs: 200, intervalMs: 20 });

  it('Given apt-get finds the dpkg lock held once, When installing, Then it waits and tries again, and passes', async () => {
    const host = scriptedHost([
      ['env DEBIAN_FRONTEND=noninteractive apt-get install', LOCKED],
      ['env DEBIAN_FRONTEND=noninteractive apt-get install', {}],
      ['dpkg-query', { stdout: 'demo\t1.1\tii \n' }],
    ]);
    expect(await quick.install(host.shell, { demo: '1.1' }, undefined, settled({ demo: '1.0' }))).toEqual({
      ok: true,
      value: { demo: '1.1' },
    });
    expect(host.ran.filter((line) => line.includes('apt-get install'))).toHaveLength(2);
  });

  it('Given the lock stays held, When installing, Then it gives up after the bound, naming the lock and its holder', async () => {
    const host = scriptedHost(
      Array.from({ length: 50 }, () => ['env DEBIAN_FRONTEND=noninteractive apt-get install', LOCKED] as const).map(
        ([prefix, output]) => [prefix, output] as [string, Partial<ExecOutput>],
      ),
    );
    const started = Date.now();
    const result = await quick.install(host.shell, { demo: '1.1' }, undefined, settled({ demo: '1.0' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(
      /^web-01: apt-get install demo=1\.1: \/var\/lib\/dpkg\/lock-frontend is held by process 9417 \(unattended-upgr\); gave up after waiting 0 s for it$/,
    );
    expect(result.error.detail).toContain('Unable to acquire the dpkg frontend lock');
    expect(host.ran.length).toBeGreaterThan(2);
  });

  it('Given a failure that is not a lock, When installing, Then it is not tried again', async () => {
    const host = scriptedHost([
      [
        'env DEBIAN_FRONTEND=noninteractive apt-get install',
        { code: 100, stderr: "E: Version '9.9' for 'demo' was not found\n" },
      ],
    ]);
    expect((await quick.install(host.shell, { demo: '9.9' }, undefined, settled({ demo: '1.0' }))).ok).toBe(false);
    expect(host.ran).toHaveLength(1);
  });
});

describe('survey', () => {
  const combined = (parts: Array<{ stdout: string; code: number }>) => ({
    stdout: parts.map((part) => `${part.stdout}\n@@lieutenant-combined-7f3c@@ ${part.code}\n`).join(''),
    stderr: parts.map(() => '\n@@lieutenant-combined-7f3c@@\n').join(''),
  });

  it('Given demo 1.0 installed and 1.1 listed, When surveyed for 1.1, Then one command says both: installed 1.0, nothing missing', async () => {
    const host = scriptedHost([
      [
        'sh -c',
        combined([
          { stdout: 'demo\t1.0\tii \n', code: 0 },
          { stdout: ' demo | 1.1 | file:/r ./ Packages\n', code: 0 },
        ]),
      ],
    ]);
    expect(await manager.survey?.(host.shell, { demo: '1.1' })).toEqual({
      ok: true,
      value: { installed: settled({ demo: '1.0' }), missing: [] },
    });
    expect(host.ran).toHaveLength(1);
    expect(host.ran[0]).toMatch(/^\$ sh -c 'dpkg-query' .*'apt-cache' 'madison' 'demo'/s);
  });

  it('Given 9.9 neither listed nor installed, When surveyed, Then it is missing (the caller refreshes and looks again)', async () => {
    const host = scriptedHost([
      [
        'sh -c',
        combined([
          { stdout: 'demo\t1.0\tii \n', code: 0 },
          { stdout: ' demo | 1.1 | file:/r ./ Packages\n', code: 0 },
        ]),
      ],
    ]);
    expect(await manager.survey?.(host.shell, { demo: '9.9' })).toEqual({
      ok: true,
      value: { installed: settled({ demo: '1.0' }), missing: ['demo'] },
    });
  });

  it('Given the listing fails, When surveyed, Then the survey fails naming the command, for the caller to ask apart', async () => {
    const host = scriptedHost([
      [
        'sh -c',
        combined([
          { stdout: 'demo\t1.0\tii \n', code: 0 },
          { stdout: '', code: 100 },
        ]),
      ],
    ]);
    const survey = await manager.survey?.(host.shell, { demo: '1.1' });
    expect(survey?.ok).toBe(false);
    expect(survey?.ok === false && survey.error.message).toBe('web-01: apt-cache madison demo exited 100');
  });
});
