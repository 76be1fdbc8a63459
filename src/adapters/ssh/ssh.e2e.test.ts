import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eFleetDir } from '../../../test/fleet/e2e-fleet.js';
import type { Fleet } from '../../../test/fleet/fleet.js';
import { readFleet, waitFor } from '../../../test/fleet/fleet.js';
import { hostPaths } from '../../../test/fleet/paths.js';
import { fleetSshSettings } from '../../../test/e2e/support/ssh-settings.js';
import type { RemoteShell } from '../../engine/index.js';
import type { HostTarget, SshSettings } from '../../spec/model.js';
import { fingerprintSha256 } from './host-key.js';
import { createRemoteShells } from './remote-shells.js';

// The shared e2e fleet (test/fleet/global-setup.ts). Nothing here changes a host:
// every known_hosts, key and ssh config this file varies lives in its own temp dir.
let fleet: Fleet;
let tmp: string;
let web01: HostTarget;
let web02: HostTarget;

const target = (host: { name: string; address: string }): HostTarget => ({
  ...host,
  group: 'web',
  lbServer: host.name,
});

const settings = (overrides: Partial<SshSettings> = {}): SshSettings => fleetSshSettings(fleet, overrides);

/** Every shells object a test opens, closed after it whatever happens. */
const opened: Array<ReturnType<typeof createRemoteShells>> = [];
function shellsWith(overrides: Partial<SshSettings> = {}, options: Parameters<typeof createRemoteShells>[1] = {}) {
  const shells = createRemoteShells(settings(overrides), { sshConfigPath: '/dev/null', ...options });
  opened.push(shells);
  return shells;
}

async function connected(shells: ReturnType<typeof createRemoteShells>, host: HostTarget): Promise<RemoteShell> {
  const result = await shells.connect(host);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** The host's real key as the fleet pinned it: "ssh-ed25519 AAAA…". */
async function realKeyOf(address: string): Promise<{ line: string; blob: Buffer }> {
  const line =
    (await readFile(fleet.knownHostsPath, 'utf8')).split('\n').find((l) => l.startsWith(`${address} `)) ?? '';
  return { line: line.slice(address.length + 1), blob: Buffer.from(line.split(' ')[2] ?? '', 'base64') };
}

const acceptedLogins = async (host: HostTarget) =>
  ((await readFile(hostPaths(fleet.dir, host.name).sshdLog, 'utf8').catch(() => '')).match(/Accepted publickey/g) ?? [])
    .length;

beforeAll(async () => {
  const found = await readFleet(e2eFleetDir());
  if (!found) throw new Error(`no fleet running in ${e2eFleetDir()}`);
  fleet = found;
  const [first, second] = fleet.hosts;
  if (!first || !second) throw new Error('the e2e fleet needs at least 2 hosts');
  web01 = target(first);
  web02 = target(second);
  tmp = await mkdtemp(join(tmpdir(), 'lt-ssh-e2e-'));
});

afterAll(async () => {
  await Promise.all(opened.map((shells) => shells.closeAll()));
  await rm(tmp, { recursive: true, force: true });
});

describe('host keys', () => {
  it('Given the fleet known_hosts, When connecting strictly, Then the host is trusted and runs commands', async () => {
    const shell = await connected(shellsWith(), web01);
    const result = await shell.exec(['id', '-un']);
    expect(result).toEqual({ ok: true, value: { code: 0, stdout: 'root\n', stderr: '' } });
  });

  it('Given an empty known_hosts, When connecting strictly, Then it is refused before any login', async () => {
    const empty = join(tmp, 'empty_known_hosts');
    await writeFile(empty, '');
    const loginsBefore = await acceptedLogins(web01);
    const result = await shellsWith({ knownHosts: empty }).connect(web01);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe(
      `web-01 (${web01.address}): host key not in ${empty}; add it or use hostKeyPolicy: accept-new`,
    );
    expect(result.error.detail).toContain(fingerprintSha256((await realKeyOf(web01.address)).blob));
    // The host key is checked before authentication: sshd never logged us in.
    expect(await acceptedLogins(web01)).toBe(loginsBefore);
  });

  it('Given another key pinned for the address, When connecting, Then it is refused with both fingerprints', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(tmp, 'impostor')]);
    const impostor = (await readFile(join(tmp, 'impostor.pub'), 'utf8')).split(' ');
    const changed = join(tmp, 'changed_known_hosts');
    await writeFile(changed, `${web01.address} ${impostor[0]} ${impostor[1]}\n`);
    const result = await shellsWith({ knownHosts: changed, hostKeyPolicy: 'accept-new' }).connect(web01);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain('HOST KEY CHANGED');
    expect(result.error.message).toContain(fingerprintSha256(Buffer.from(impostor[1] ?? '', 'base64')));
    expect(result.error.message).toContain(fingerprintSha256((await realKeyOf(web01.address)).blob));
    expect(await readFile(changed, 'utf8')).toBe(`${web01.address} ${impostor[0]} ${impostor[1]}\n`);
  });

  it('Given accept-new and no known_hosts, When connecting, Then the key is pinned and verified strictly next time', async () => {
    const pinned = join(tmp, 'tofu', 'known_hosts');
    const first = await connected(shellsWith({ knownHosts: pinned, hostKeyPolicy: 'accept-new' }), web02);
    expect((await first.exec(['true'])).ok).toBe(true);
    expect(await readFile(pinned, 'utf8')).toBe(`${web02.address} ${(await realKeyOf(web02.address)).line}\n`);
    expect((await stat(pinned)).mode & 0o777).toBe(0o600);
    const again = await shellsWith({ knownHosts: pinned, hostKeyPolicy: 'strict' }).connect(web02);
    expect(again.ok).toBe(true);
  });
});

describe('one connection per host', () => {
  it('Given concurrent connects and many execs, When run, Then one SSH connection serves them all', async () => {
    const log: string[] = [];
    const shells = shellsWith({}, { log: (line) => log.push(line) });
    const [a, b, c] = await Promise.all([shells.connect(web01), shells.connect(web01), shells.connect(web01)]);
    expect(a?.ok && b?.ok && c?.ok && a.value === b.value && b.value === c.value).toBe(true);
    const shell = await connected(shells, web01);
    // SSH_CONNECTION holds the client's source port: one TCP connection means one port for every exec.
    const ask = () => shell.exec(['sh', '-c', 'echo "$SSH_CONNECTION"']);
    const answers = [...(await Promise.all(Array.from({ length: 10 }, ask))), await ask(), await ask()];
    const ports = new Set(
      answers.map((answer) => (answer.ok ? answer.value.stdout.split(' ')[1] : `failed: ${answer.error.message}`)),
    );
    expect(ports.size).toBe(1);
    expect([...ports][0]).toMatch(/^\d+$/);
    expect(log.filter((line) => line.includes(': connected as root'))).toHaveLength(1);
  });
});

describe('commands', () => {
  it('Given hostile arguments, When echoed through printf %s, Then they come back byte for byte', async () => {
    const shell = await connected(shellsWith(), web01);
    const hostile = `it's "quoted" $(touch /tmp/lt-pwned) \`id\` ; rm -rf / & | > x\nline two \\ $HOME *`;
    const result = await shell.exec(['printf', '%s', hostile]);
    expect(result).toEqual({ ok: true, value: { code: 0, stdout: hostile, stderr: '' } });
    expect(await shell.exec(['test', '-e', '/tmp/lt-pwned'])).toMatchObject({ ok: true, value: { code: 1 } });
  });

  it('Given a command that outlives its timeout, When run, Then a failure comes back and the process dies on the host', async () => {
    const shell = await connected(shellsWith(), web01);
    const marker = `lt-timeout-${process.pid}-${Date.now()}`;
    // "[l]t-…" matches the command but not pgrep's own shell, whose command line holds the pattern.
    const running = async () =>
      (await fleet.ssh(web01.name, `pgrep -f '[l]${marker.slice(1)}' >/dev/null && echo yes || echo no`)).stdout.trim();
    const started = Date.now();
    const execution = shell.exec(['sh', '-c', `sleep 30; echo ${marker}`], { timeoutMs: 700 });
    await waitFor(async () => (await running()) === 'yes', { what: 'the command to start on the host' });
    const result = await execution;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result).toEqual({ ok: false, error: { message: `web-01 (${web01.address}): sh timed out after 700ms` } });
    await waitFor(async () => (await running()) === 'no', {
      what: 'the timed-out command to be killed on the host',
      timeoutMs: 15_000,
    });
    // The connection is still usable afterwards.
    expect(await shell.exec(['echo', 'still here'])).toMatchObject({ ok: true, value: { stdout: 'still here\n' } });
  });

  it('Given an abort while a command runs, When aborted, Then exec returns a failure at once', async () => {
    const shell = await connected(shellsWith(), web01);
    const controller = new AbortController();
    const running = shell.exec(['sleep', '20'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    expect(await running).toEqual({ ok: false, error: { message: `web-01 (${web01.address}): sleep aborted` } });
  });

  it('Given a non-zero exit, When run, Then it is a value with the code and stderr, not a failure', async () => {
    const shell = await connected(shellsWith(), web01);
    expect(await shell.exec(['sh', '-c', 'echo oops >&2; exit 7'])).toEqual({
      ok: true,
      value: { code: 7, stdout: '', stderr: 'oops\n' },
    });
  });
});

describe('connection failures', () => {
  it('Given nothing listens on the address, When connecting, Then the failure says connection refused', async () => {
    const nowhere: HostTarget = { name: 'web-99', address: `${fleet.prefix}.199`, group: 'web', lbServer: 'web-99' };
    const result = await shellsWith().connect(nowhere);
    expect(result).toEqual({
      ok: false,
      error: { message: `web-99 (${fleet.prefix}.199): connection refused on ${fleet.prefix}.199:22` },
    });
  });

  it('Given a key the host does not accept, When connecting, Then authentication fails naming the key file, not its content', async () => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(tmp, 'stranger')]);
    const result = await shellsWith({ identityFile: join(tmp, 'stranger') }).connect(web01);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe(
      `web-01 (${web01.address}): authentication failed for root with key ${join(tmp, 'stranger')}`,
    );
    const secret = (await readFile(join(tmp, 'stranger'), 'utf8')).split('\n')[1] ?? 'never';
    expect(JSON.stringify(result.error)).not.toContain(secret.slice(0, 20));
  });

  it('Given no identity file and no agent, When connecting, Then it fails saying so', async () => {
    const result = await shellsWith({ identityFile: undefined }, { env: {} }).connect(web01);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/^web-01 \(.*\): no SSH credentials/);
  });
});

describe('ssh config', () => {
  it('Given ProxyJump through web-01, When connecting to web-02, Then it goes through the verified jump host', async () => {
    const config = join(tmp, 'ssh_config');
    await writeFile(config, `Host ${web02.name}\n  ProxyJump root@${web01.address}\n`);
    const log: string[] = [];
    const shell = await connected(shellsWith({}, { sshConfigPath: config, log: (line) => log.push(line) }), web02);
    expect((await shell.exec(['cat', '/etc/hostname'])).ok).toBe(true);
    expect(log).toContain(
      `web-02 (${web02.address}): connected as root with key ${fleet.identityFile} via jump host ${web01.address}`,
    );

    // And the jump is really on the path: a jump host we cannot reach means no connection at all.
    await writeFile(config, `Host ${web02.name}\n  ProxyJump root@${fleet.prefix}.199\n`);
    const broken = await shellsWith({}, { sshConfigPath: config }).connect(web02);
    expect(broken.ok).toBe(false);
    if (!broken.ok)
      expect(broken.error.message).toBe(
        `web-02 (${web02.address}): jump host ${fleet.prefix}.199: connection refused on ${fleet.prefix}.199:22`,
      );
  });

  it('Given HostName and User from the config, When connecting by inventory name, Then they are used', async () => {
    const config = join(tmp, 'ssh_config_hostname');
    await writeFile(config, `Host alias-01\n  HostName ${web01.address}\n  User root\n  Port 22\n`);
    const shell = await connected(shellsWith({ user: 'nobody-here' }, { sshConfigPath: config }), {
      ...web01,
      name: 'alias-01',
      address: '127.0.0.255',
    });
    expect(await shell.exec(['id', '-un'])).toMatchObject({ ok: true, value: { stdout: 'root\n' } });
  });
});
