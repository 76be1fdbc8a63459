import { symlink, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.js';
import { captureIo } from '../cli/testing.js';
import { formatSpecError } from './errors.js';
import { loadRepo, loadRollout } from './repo.js';
import { fixtureFiles, makeSpecRepo, type SpecRepo } from './testing/spec-repo.js';

const PB = 'playbooks/web.yaml';
const INV = 'inventories/staging.yaml';
let product: Record<string, string>;
const repos: SpecRepo[] = [];
beforeAll(async () => {
  product = await fixtureFiles('example');
});
afterAll(async () => {
  await Promise.all(repos.map((repo) => repo.remove()));
});

async function repoWith(edit: (files: Record<string, string>) => void): Promise<SpecRepo> {
  const repo = await makeSpecRepo();
  repos.push(repo);
  const files = { ...product };
  edit(files);
  await repo.commit(files);
  return repo;
}

const replace = (files: Record<string, string>, file: string, find: string, by: string) => {
  if (!(files[file] ?? '').includes(find)) throw new Error(`${file} has no ${find}`);
  files[file] = (files[file] ?? '').replace(find, by);
};

describe('keys are names, kept exactly as written', () => {
  it('Given a host 010 and a package 1.10, When the rollout loads, Then neither became a number', async () => {
    // Given number-like keys, unquoted
    const repo = await repoWith((files) => {
      replace(files, INV, 'web-04:', '010:');
      replace(files, PB, 'demo: "1.1"', 'demo: "1.1"\n      1.10: "2.0"');
      replace(files, INV, '{{packages.demo}}', '{{packages.1.10}}');
    });
    // When the rollout is loaded
    const loaded = await loadRollout(repo.dir, 'web', 'HEAD', { homeDir: '/home/op' });
    if (!loaded.ok) throw new Error(loaded.error.map(formatSpecError).join('\n'));
    // Then host "010" keeps its name (and so its HAProxy server name), package "1.10" its name
    const [group] = loaded.value.rollout.groups;
    expect(group?.hosts.map((host) => [host.name, host.lbServer])).toContainEqual(['010', '010']);
    expect(group?.packages).toEqual({ demo: '1.1', '1.10': '2.0' });
  });

  it('Given an IPv6 address in brackets, When the rollout loads, Then it is dialled without them', async () => {
    const repo = await repoWith((files) => {
      replace(files, INV, '127.0.1.14', '"[fd00::14]"');
      replace(files, INV, '"http://{{host.address}}:8080/health"', '"http://{{host.name}}:8080/health"');
    });
    const loaded = await loadRollout(repo.dir, 'web', 'HEAD', { homeDir: '/home/op' });
    if (!loaded.ok) throw new Error(loaded.error.map(formatSpecError).join('\n'));
    expect(loaded.value.rollout.groups[0]?.hosts.map((host) => host.address)).toContain('fd00::14');
  });
});

describe('YAML aliases', () => {
  it('Given 101 groups sharing one health list through an alias, When validated, Then it is valid', async () => {
    // Given `health: *std` in 101 groups (more than the library's default alias budget of 100)
    const repo = await repoWith((files) => {
      replace(files, INV, '    health:\n', '    health: &std\n');
      const groups = Array.from(
        { length: 101 },
        (_, index) =>
          `  g${index}:\n    packageManager: apt\n    hosts:\n      h${index}: { address: 10.0.${index}.1 }\n    health: *std\n`,
      );
      files[INV] = `${files[INV] ?? ''}${groups.join('')}`;
    });
    // When validated
    const result = await loadRepo(repo.dir);
    // Then nothing is wrong (it used to crash with "Excessive alias count")
    expect(result.ok ? [] : result.error.map(formatSpecError)).toEqual([]);
  });
});

describe('what validates but changes nothing', () => {
  it('Given a targeted group with no hosts, When validated, Then it is valid with a warning at the group and the target', async () => {
    // Given the web group emptied of its hosts (as while its machines are being replaced)
    const repo = await repoWith((files) => {
      const inventory = files[INV] ?? '';
      const hostLines = inventory.slice(inventory.indexOf('    hosts:\n'), inventory.indexOf('    health:'));
      replace(files, INV, hostLines, '    hosts: {}\n');
    });
    // When validated
    const io = captureIo();
    const code = await runCli(['validate', '--repo', repo.dir], io);
    // Then it is valid, and both the group and the target are named in a warning
    expect(io.err()).toContain(
      'warning: inventories/staging.yaml:18:12: group "web" has no hosts: a rollout that targets it changes nothing there',
    );
    expect(io.err()).toContain('warning: playbooks/web.yaml:4:3: targets.web: group "web" of staging has no hosts');
    expect(code).toBe(0);
  });
});

describe('files that are not what they seem', () => {
  it('Given playbooks/ committed as a symbolic link, When validated, Then exit 2 naming it (not "0 playbooks valid")', async () => {
    // Given the playbooks kept elsewhere and linked
    const repo = await makeSpecRepo();
    repos.push(repo);
    await repo.write({ [INV]: product[INV] ?? '', 'shared/web.yaml': product[PB] ?? '' });
    await symlink('shared', join(repo.dir, 'playbooks'));
    await repo.commit({});
    // When validated
    const io = captureIo();
    const code = await runCli(['validate', '--repo', repo.dir], io);
    // Then refused, naming the link
    expect(io.err()).toContain('playbooks: committed as a symbolic link, which Lieutenant does not follow');
    expect(code).toBe(2);
  });

  it('Given a playbook with a byte that is not UTF-8, When validated, Then exit 2 at its line and column', async () => {
    const repo = await makeSpecRepo();
    repos.push(repo);
    await repo.commit({ [INV]: product[INV] ?? '' });
    await mkdir(join(repo.dir, 'playbooks'));
    const text = Buffer.from(product[PB] ?? '', 'utf8');
    const at = text.indexOf('rollback');
    await writeFile(join(repo.dir, PB), Buffer.concat([text.subarray(0, at), Buffer.from([0xe9]), text.subarray(at)]));
    await repo.commit({});
    const io = captureIo();
    const code = await runCli(['validate', '--repo', repo.dir], io);
    expect(io.err()).toContain('playbooks/web.yaml:12:14: not UTF-8 text (byte 0xe9): save the file as UTF-8');
    expect(code).toBe(2);
  });

  it('Given terminal escapes in a key and a file name, When validated, Then they are printed escaped, never raw', async () => {
    const repo = await repoWith((files) => {
      replace(files, PB, 'concurrency: 10', '"conc\\e[2J\\e]0;pwned\\a": 10');
      files['playbooks/x\u001b[31m.yaml'] = 'rollout: x\n';
    });
    const io = captureIo();
    const code = await runCli(['validate', '--repo', repo.dir], io);
    // eslint-disable-next-line no-control-regex -- the control characters are what must not appear
    expect(io.err()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(io.err()).toContain('unknown key "conc\\x1b[2J\\x1b]0;pwned\\x07" in strategy');
    expect(io.err()).toContain('playbooks/x\\x1b[31m.yaml');
    expect(code).toBe(2);
  });
});

describe('validation at scale', () => {
  it('Given 20,000 hosts with one address repeated (written differently) at the end, When validated, Then exactly that one is found', async () => {
    // Given a large inventory (the old duplicate-key check was quadratic in hosts)
    const hosts = Array.from(
      { length: 20_000 },
      (_, index) => `      h${index}: { address: 10.${index >> 16}.${(index >> 8) & 255}.${index & 255} }\n`,
    );
    const repo = await repoWith((files) => {
      replace(
        files,
        INV,
        '      web-04: { address: 127.0.1.14 }\n',
        `${hosts.join('')}      last: { address: "WEB-03.example.com." }\n`,
      );
      replace(files, INV, '127.0.1.13', 'web-03.example.com');
    });
    // When validated
    const result = await loadRepo(repo.dir);
    // Then the one duplicate is reported where it is written
    expect(result.ok ? [] : result.error.map(formatSpecError)).toEqual([
      'inventories/staging.yaml:20022:24: address WEB-03.example.com. is already used by host "web-03" (as web-03.example.com): each host needs its own address',
    ]);
  });
});
