/**
 * Lieutenant's reading of Ansible inventories against Ansible's own: for each
 * file of test/fixtures/ansible/ (realistic shapes: Ansible's examples/hosts,
 * kolla-ansible's multinode, a Patroni YAML inventory, an INI file named .yml,
 * nested regions), the real `ansible-inventory --list` (Debian's ansible-core)
 * and Lieutenant must see the same hosts, the same group memberships and
 * children, and the same connection variables per host; and the import of
 * each must validate.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInventoryFile } from '../../spec/spec-file.js';
import { inventoryRules } from '../../spec/inventory-rules.js';
import { effectiveVars } from './ansible-model.js';
import { parseInventory } from './import-service.js';
import { listView } from './list-view.js';
import { mapInventory } from './map-inventory.js';
import { renderInventory } from './render-inventory.js';

const DIR = fileURLToPath(new URL('../../../test/fixtures/ansible/', import.meta.url));
const files = [
  'hosts.ini',
  'inventory.yml',
  ...(await readdir(join(DIR, 'corpus'))).map((name) => join('corpus', name)),
];
const home = await mkdtemp(join(tmpdir(), 'lieutenant-ansible-'));
afterAll(() => rm(home, { recursive: true, force: true }));

const CONNECTION_VARS = ['ansible_host', 'ansible_port', 'ansible_user', 'ansible_become', 'ansible_connection'];

async function ansibleList(file: string): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)('ansible-inventory', ['-i', file, '--list'], {
    env: { ...process.env, ANSIBLE_LOCAL_TEMP: home, ANSIBLE_HOME: home },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('Ansible inventories as ansible-inventory --list reads them', () => {
  it.concurrent.each(files)('%s: the same hosts, memberships and connection variables', async (file) => {
    // Given the file, read by Ansible itself
    const path = join(DIR, file);
    const ansible = await ansibleList(path);
    // When Lieutenant reads it
    const read = parseInventory(await readFile(path, 'utf8'), extname(path));
    if (!read.inventory.ok) throw new Error(JSON.stringify(read.inventory.error));
    // Then the hosts and groups are the same
    expect(listView(read.inventory.value)).toEqual(listView(ansible));
    // And each host's connection variables resolve as Ansible resolves them
    const hostvars = (ansible._meta as { hostvars: Record<string, Record<string, unknown>> }).hostvars;
    const mine = effectiveVars(read.inventory.value);
    for (const [host, vars] of mine) {
      const pick = (from: Record<string, unknown> | undefined) =>
        Object.fromEntries(
          CONNECTION_VARS.flatMap((name) => (from?.[name] === undefined ? [] : [[name, String(from[name])]])),
        );
      expect(pick(vars), host).toEqual(pick(hostvars[host]));
    }
  });

  it.each(files)('%s: imports into an inventory that validates and reads back as written', (file) => {
    return readFile(join(DIR, file), 'utf8').then((text) => {
      const read = parseInventory(text, extname(file));
      if (!read.inventory.ok) throw new Error('unreadable');
      const mapped = mapInventory(read.inventory.value);
      if (!mapped.ok) throw new Error(mapped.error);
      const yaml = renderInventory(mapped.value, { environment: 'production', source: file });
      const checked = checkInventoryFile('inventories/production.yaml', yaml);
      expect(checked.ok ? inventoryRules(checked.value) : checked.errors).toEqual([]);
    });
  });
});
