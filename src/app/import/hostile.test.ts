/**
 * What an Ansible file may hold that must not change what `import` writes:
 * line breaks and control characters in variable names and values, names
 * YAML would read otherwise — and paths that are not regular files.
 * Every generated file is parsed back and compared with what was meant.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { addHost, emptyInventory, groupOf, reconcile } from './ansible-model.js';
import { importAnsible } from './import-service.js';
import { mapInventory, type MappedInventory } from './map-inventory.js';
import { renderInventory } from './render-inventory.js';

const temps: string[] = [];
afterAll(() => Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true }))));
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lieutenant-hostile-import-'));
  temps.push(dir);
  return dir;
};

/** The document the mapped inventory means, as YAML must read it back. */
function meant(mapped: MappedInventory) {
  const ssh = Object.fromEntries(Object.entries(mapped.ssh).filter(([, value]) => value !== undefined));
  return {
    environment: 'production',
    ssh: { ...ssh, knownHosts: '~/.ssh/known_hosts', hostKeyPolicy: 'strict' },
    loadBalancers: {},
    groups:
      mapped.groups.length === 0
        ? {}
        : Object.fromEntries(
            mapped.groups.map((group) => [
              group.name,
              {
                packageManager: 'apt',
                ...(Object.keys(group.ssh).length > 0 ? { ssh: group.ssh } : {}),
                hosts: Object.fromEntries(
                  group.hosts.map((host) => [
                    host.name,
                    { address: host.address, ...(Object.keys(host.ssh).length > 0 ? { ssh: host.ssh } : {}) },
                  ]),
                ),
                health: [],
              },
            ]),
          ),
  };
}

const hostile = fc.oneof(
  fc.string(),
  fc.constantFrom(
    'a\nsync: manual',
    'x\r\nnotifications: []',
    '\u2028groups: {}',
    '#',
    '"',
    "'",
    ': ',
    '- x',
    '\x1b[31m',
  ),
);

describe('import: nothing from the Ansible file leaves its place in the written inventory', () => {
  it('Given any names and values of variables, groups and hosts, When mapped and written, Then the file reads back as exactly what was meant', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ group: hostile, host: hostile, name: hostile, value: hostile, user: hostile, key: hostile }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        (entries) => {
          const inventory = emptyInventory();
          for (const entry of entries) {
            addHost(inventory, entry.group, entry.host, {
              [entry.name]: entry.value,
              ansible_user: entry.user,
              ansible_ssh_private_key_file: entry.key,
            });
            groupOf(inventory, entry.group).vars[entry.name] = entry.value;
          }
          if (reconcile(inventory).length > 0) return;
          const mapped = mapInventory(inventory);
          if (!mapped.ok) throw new Error(mapped.error);
          const text = renderInventory(mapped.value, { environment: 'production', source: 'hosts\nsync: manual' });
          expect(parse(text)).toEqual(meant(mapped.value));
          // Every line is a key the renderer wrote, or a comment: nothing else begins a line.
          for (const line of text.split('\n'))
            expect(line).toMatch(
              /^(#.*|environment: .*|ssh:|loadBalancers: \{\}|groups:.*| {2}\S.*| {4}\S.*| {6}\S.*|)$/,
            );
          expect(text.split('\n').filter((line) => line.startsWith('#   ')).length).toBe(
            mapped.value.notMapped.length + 3,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('import refuses what is not a regular file, writing nothing (exit 2)', () => {
  async function tryImport(inventoryPath: string, repoDir?: string) {
    const repo = repoDir ?? (await tempDir());
    const result = await importAnsible({
      repoDir: repo,
      inventoryPath,
      source: inventoryPath,
      environment: 'production',
      force: true,
    });
    return { result, repo };
  }

  it('Given a FIFO, a directory or a device, When imported, Then it is refused at once', async () => {
    const dir = await tempDir();
    const fifo = join(dir, 'hosts');
    await promisify(execFile)('mkfifo', [fifo]);
    for (const [path, kind] of [
      [fifo, 'a FIFO'],
      [dir, 'a directory'],
      ['/dev/null', 'a device or special file'],
    ] as const) {
      const { result, repo } = await tryImport(path);
      expect(result.ok ? 'written' : result.error.message).toContain(`is ${kind}, not a regular file`);
      expect(result.ok ? 0 : result.error.exitCode).toBe(2);
      expect(await readdir(repo)).toEqual([]);
    }
  });

  it('Given the target or inventories/ a symbolic link out of the repo, When imported, Then nothing is written through it', async () => {
    const source = join(await tempDir(), 'hosts');
    await writeFile(source, '[web]\nweb-01 ansible_host=10.0.0.1\n');
    const outside = await tempDir();
    const linkedFolder = await tempDir();
    await symlink(outside, join(linkedFolder, 'inventories'));
    const linkedFile = await tempDir();
    await mkdir(join(linkedFile, 'inventories'));
    await symlink(join(outside, 'target.yaml'), join(linkedFile, 'inventories', 'production.yaml'));
    for (const repo of [linkedFolder, linkedFile]) {
      const { result } = await tryImport(source, repo);
      expect(result.ok ? 'written' : result.error.message).toMatch(/is a symbolic link, not a (folder|regular file)/);
    }
    expect(await readdir(outside)).toEqual([]);
  });
});
