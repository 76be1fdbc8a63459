/**
 * `lieutenant import ansible` on real Ansible inventories: the files of
 * test/fixtures/ansible/ (which the real `ansible-inventory` reads too), and
 * the JSON that `ansible-inventory --list` exports from them.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { simpleGit } from 'simple-git';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRepo } from '../spec/repo.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/ansible/', import.meta.url));
const IDENTITY = [
  '-c',
  'user.name=Import Test',
  '-c',
  'user.email=import@example.invalid',
  '-c',
  'commit.gpgsign=false',
];

const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lieutenant-import-'));
  temps.push(dir);
  return dir;
};

/** Imports `file` into a fresh folder; returns the exit status, the output and the written spec. */
async function importInto(file: string, ...flags: string[]) {
  const repo = await tempDir();
  const io = captureIo();
  const code = await runCli(['--repo', repo, 'import', 'ansible', file, '--env', 'production', ...flags], io);
  const text = await readFile(join(repo, 'inventories/production.yaml'), 'utf8').catch(() => undefined);
  return { code, io, repo, text, spec: text === undefined ? undefined : (parse(text) as Record<string, unknown>) };
}

/** What the hosts.ini / inventory.yml fleet becomes: one SSH block, each host in its most specific group. */
const EXPECTED_SPEC = {
  environment: 'production',
  ssh: {
    user: 'deploy',
    port: 22,
    identityFile: '~/.ssh/deploy_ed25519',
    knownHosts: '~/.ssh/known_hosts',
    hostKeyPolicy: 'strict',
    become: 'sudo',
  },
  loadBalancers: {},
  groups: {
    web_eu: {
      packageManager: 'apt',
      hosts: { 'web-eu-01': { address: '10.0.1.11' }, 'web-eu-02': { address: '10.0.1.12', ssh: { port: 2222 } } },
      health: [],
    },
    web_us: {
      packageManager: 'apt',
      hosts: {
        'web-us-01.example.com': { address: 'web-us-01.example.com' },
        'web-us-02.example.com': { address: 'web-us-02.example.com' },
      },
      health: [],
    },
    db: { packageManager: 'apt', ssh: { user: 'postgres' }, hosts: { 'db-01': { address: '10.0.2.11' } }, health: [] },
    ungrouped: { packageManager: 'apt', hosts: { 'lb.example.com': { address: 'lb.example.com' } }, health: [] },
  },
};

const ansibleInventory = async (args: string[], out: string) => {
  const { stdout } = await promisify(execFile)('ansible-inventory', args, {
    env: { ...process.env, ANSIBLE_LOCAL_TEMP: tmpdir(), ANSIBLE_HOME: join(tmpdir(), 'lieutenant-ansible-home') },
  });
  await writeFile(out, stdout);
  return out;
};

describe('lieutenant import ansible INVENTORY --env NAME', () => {
  it('maps an INI inventory: groups, ansible_host, SSH per environment, group and host, and lists what has no setting', async () => {
    // When the INI fixture is imported
    const { code, io, text, spec } = await importInto(join(FIXTURES, 'hosts.ini'));
    // Then it says what it wrote, and the spec is the fleet's
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(/^wrote inventories\/production\.yaml from ini: 6 hosts in 4 groups\n {2}web_eu: 2\n/);
    expect(spec).toEqual(EXPECTED_SPEC);
    // And every other membership, the parent group Lieutenant has no counterpart for, and the vars it has no setting for are listed
    expect(text).toContain('#   host web-eu-01: in group web_eu; also under web (a Lieutenant host is in one group)\n');
    expect(text).toContain(
      '#   group web: not a Lieutenant group (groups do not nest); its children: web_eu, web_us\n',
    );
    expect(text).toMatch(/# {3}vars of group all: ansible_python_interpreter\n# {3}vars of group web: http_port\n$/);
    expect(text?.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/inventory.schema.json');
  });

  it('reads the YAML format of the same fleet into the same inventory', async () => {
    const { code, spec, io } = await importInto(join(FIXTURES, 'inventory.yml'));
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(spec).toEqual(EXPECTED_SPEC);
  });

  it.each([
    ['hosts.ini', ['--list']],
    ['inventory.yml', ['--list', '--export']],
  ])('reads what the real ansible-inventory %s %j exports into the same inventory', async (fixture, args) => {
    // Given the JSON the real ansible-inventory prints for the fixture (no .json name: the content tells)
    const dir = await tempDir();
    const exported = await ansibleInventory(['-i', join(FIXTURES, fixture), ...args], join(dir, 'exported'));
    expect(JSON.parse(await readFile(exported, 'utf8'))).toHaveProperty('_meta');
    // When it is imported, Then the spec is the same as from the source file
    const { code, spec, io } = await importInto(exported);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toContain('from ansible-inventory --list JSON');
    expect(spec).toEqual(EXPECTED_SPEC);
  });

  it('--groups takes the named groups with their children’s hosts ("flattened"), and notes the hosts left out', async () => {
    const { code, spec, text } = await importInto(join(FIXTURES, 'hosts.ini'), '--groups', 'web');
    expect(code).toBe(0);
    const groups = (spec?.groups ?? {}) as Record<string, { hosts: Record<string, unknown> }>;
    expect(Object.keys(groups)).toEqual(['web']);
    expect(Object.keys(groups.web?.hosts ?? {})).toEqual([
      'web-eu-01',
      'web-eu-02',
      'web-us-01.example.com',
      'web-us-02.example.com',
    ]);
    expect(text).toContain('#   host lb.example.com: not imported, in none of the groups chosen (web)\n');
  });

  it('from nothing to a valid repo: init, import, point the playbook at the import, commit, validate', async () => {
    // Given a repo made by init
    const repo = await tempDir();
    expect(await runCli(['init', repo], captureIo())).toBe(0);
    // When the Ansible inventory is imported and the example playbook edited to target one of its groups
    const io = captureIo();
    expect(
      await runCli(['import', 'ansible', join(FIXTURES, 'hosts.ini'), '--env', 'production'], io, { cwd: repo }),
    ).toBe(0);
    const playbook = (await readFile(join(repo, 'playbooks/web.yaml'), 'utf8'))
      .replace('inventory: staging', 'inventory: production')
      .replace('  web:   ', '  web_eu:');
    await writeFile(join(repo, 'playbooks/web.yaml'), playbook);
    const git = simpleGit({ baseDir: repo });
    await git.raw(['add', '-A']);
    await git.raw([...IDENTITY, 'commit', '-q', '-m', 'Rollout repo']);
    // Then the real validator accepts it, and validate says so
    const loaded = await loadRepo(repo);
    expect(loaded.ok ? [...loaded.value.inventories.keys()].sort() : loaded.error).toEqual(['production', 'staging']);
    const validate = captureIo();
    expect(await runCli(['validate'], validate, { cwd: repo })).toBe(0);
    expect(validate.out()).toMatch(/^1 playbook, 2 inventories valid at/);
  });

  describe('refuses, writing nothing (exit 2)', () => {
    it('an existing inventory, unless --force', async () => {
      const repo = await tempDir();
      await runCli(['init', repo], captureIo());
      const before = await readFile(join(repo, 'inventories/staging.yaml'), 'utf8');
      const io = captureIo();
      const argv = ['--repo', repo, 'import', 'ansible', join(FIXTURES, 'hosts.ini'), '--env', 'staging'];
      expect(await runCli(argv, io)).toBe(2);
      expect(io.err()).toContain('inventories/staging.yaml exists in');
      expect(io.err()).toContain('(--force replaces it)');
      expect(await readFile(join(repo, 'inventories/staging.yaml'), 'utf8')).toBe(before);
      const forced = captureIo();
      expect(await runCli([...argv, '--force'], forced)).toBe(0);
      expect(forced.out()).toMatch(/^replaced inventories\/staging\.yaml/);
    });

    it.each([
      [
        'a bad line, named with its number',
        'hosts',
        '[web]\nweb-01 ansible_host\n',
        /hosts:2: "ansible_host" after host web-01: host variables are written key=value/,
      ],
      [
        'an unknown section kind',
        'hosts',
        '[web:servers]\nweb-01\n',
        /hosts:1: section \[web:servers\] has an unknown type/,
      ],
      ['a malformed range', 'hosts', '[web]\nweb[1:x]\n', /hosts:2: web\[1:x\]: \[1:x\]: a range is of numbers/],
      [
        'a range past the cap',
        'hosts',
        '[web]\nweb[0:99999999]\n',
        /hosts:2: web\[0:99999999\]: expands to 100,000,000 hosts; at most 100,000/,
      ],
      [
        'YAML that is no inventory (read as INI, as Ansible would next)',
        'inv.yml',
        '- a\n- b\n',
        /inv\.yml:1: "a" after host -/,
      ],
    ])('%s', async (_case, name, content, message) => {
      const dir = await tempDir();
      await writeFile(join(dir, name), content);
      const { code, io, text } = await importInto(join(dir, name));
      expect(code).toBe(2);
      expect(io.err()).toMatch(message);
      expect(io.err()).toMatch(/nothing was written\n$/);
      expect(text).toBeUndefined();
    });

    it('a group that is not in the inventory, naming those that are', async () => {
      const { code, io } = await importInto(join(FIXTURES, 'hosts.ini'), '--groups', 'web,dbs');
      expect(code).toBe(2);
      expect(io.err()).toContain(
        'no Ansible group "dbs" in the inventory; its groups: ungrouped, web_eu, web_us, web, db',
      );
    });

    it('a missing file, and an environment name Lieutenant cannot use', async () => {
      const missing = await importInto('/nonexistent/hosts');
      expect(missing.code).toBe(2);
      expect(missing.io.err()).toContain('cannot read the Ansible inventory /nonexistent/hosts: ENOENT');
      const repo = await tempDir();
      const io = captureIo();
      expect(
        await runCli(['--repo', repo, 'import', 'ansible', join(FIXTURES, 'hosts.ini'), '--env', 'prod/eu'], io),
      ).toBe(2);
      expect(io.err()).toContain('--env "prod/eu" is not an environment name');
    });
  });

  it('leaves out a second host on the same address, and keeps a host Lieutenant cannot name under a safe name', async () => {
    // Given two hosts Ansible tells apart by port only, and a host name with a character Lieutenant refuses
    const dir = await tempDir();
    const file = join(dir, 'hosts.ini');
    await writeFile(
      file,
      '[app]\napp-a ansible_host=127.0.0.1 ansible_port=2201\napp-b ansible_host=127.0.0.1 ansible_port=2202\n_odd@name ansible_host=10.9.9.9\n',
    );
    // When imported
    const { code, text, repo } = await importInto(file);
    // Then the file validates, and says what it did with each
    expect(code).toBe(0);
    expect(text).toContain('#   host app-b: not imported, same address 127.0.0.1 as app-a');
    expect(text).toContain('odd-name: { address: 10.9.9.9 }   # Ansible name _odd@name');
    await copyFile(file, join(repo, 'hosts.ini'));
    const git = simpleGit({ baseDir: repo });
    await git.raw(['init', '-q']);
    await git.raw(['add', '-A']);
    await git.raw([...IDENTITY, 'commit', '-q', '-m', 'import']);
    expect((await loadRepo(repo)).ok).toBe(true);
  });
});
