import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRepo } from '../spec/repo.js';
import { runCli } from './main.js';
import { captureIo } from './testing.js';

const IDENTITY = ['-c', 'user.name=Init Test', '-c', 'user.email=init@example.invalid', '-c', 'commit.gpgsign=false'];
const temps: string[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lieutenant-init-'));
  temps.push(dir);
  return dir;
};
const commitAll = async (dir: string) => {
  const git = simpleGit({ baseDir: dir });
  await git.raw(['add', '-A']);
  await git.raw([...IDENTITY, 'commit', '-q', '-m', 'Rollout repo']);
};

describe('lieutenant init [DIR]', () => {
  it('makes a git repo whose example inventory and playbook validate, and says what to type next', async () => {
    // Given an empty folder
    const parent = await tempDir();
    // When init makes a rollout repo in a new folder under it
    const io = captureIo();
    expect(await runCli(['init', 'rollouts'], io, { cwd: parent })).toBe(0);
    const dir = join(parent, 'rollouts');
    // Then it is a git repository with the files, the schemas the YAML points at, and .lieutenant/ ignored
    expect(io.out()).toContain(`made a rollout repo in ${dir} (git init):`);
    expect(io.out()).toMatch(/next:\n {2}cd rollouts\n {2}lieutenant import ansible HOSTS --env staging/);
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('.lieutenant/\n');
    const inventory = await readFile(join(dir, 'inventories/staging.yaml'), 'utf8');
    expect(inventory.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/inventory.schema.json');
    const schema = JSON.parse(await readFile(join(dir, 'schema/inventory.schema.json'), 'utf8')) as { title?: string };
    expect(schema.title).toBe('Lieutenant inventory');
    // And once committed, the real validator accepts every spec
    await commitAll(dir);
    const repo = await loadRepo(dir);
    expect(repo.ok ? [...repo.value.playbooks.keys(), ...repo.value.inventories.keys()] : repo.error).toEqual([
      'web',
      'staging',
    ]);
    const validate = captureIo();
    expect(await runCli(['validate', '--repo', dir], validate)).toBe(0);
  });

  it('refuses to overwrite: a second init writes nothing and names what exists (exit 2)', async () => {
    // Given a rollout repo made by init, whose example playbook the user edited
    const dir = await tempDir();
    expect(await runCli(['init', dir], captureIo())).toBe(0);
    await writeFile(join(dir, 'playbooks/web.yaml'), 'edited\n');
    // When init runs there again
    const io = captureIo();
    expect(await runCli(['init'], io, { cwd: dir })).toBe(2);
    // Then it names the files that exist, and the edit is untouched
    expect(io.err()).toContain(`exists: ${join(dir, 'playbooks/web.yaml')}`);
    expect(io.err()).toMatch(/nothing was written \(init never overwrites\)\n$/);
    expect(await readFile(join(dir, 'playbooks/web.yaml'), 'utf8')).toBe('edited\n');
  });

  it('inside an existing git repository: no nested git init, and .lieutenant/ added to its .gitignore', async () => {
    // Given a git repository with a .gitignore of its own
    const top = await tempDir();
    await simpleGit({ baseDir: top }).raw(['init', '-q']);
    await writeFile(join(top, '.gitignore'), 'node_modules');
    // When init makes a rollout repo in a sub-folder (--repo) and in the top folder
    expect(await runCli(['--repo', join(top, 'ops'), 'init'], captureIo())).toBe(0);
    const io = captureIo();
    expect(await runCli(['init', top], io)).toBe(0);
    // Then neither ran git init, and the existing .gitignore got the line appended
    expect(io.out()).not.toContain('(git init)');
    expect(await readFile(join(top, '.gitignore'), 'utf8')).toBe('node_modules\n.lieutenant/\n');
    expect(await readFile(join(top, 'ops/.gitignore'), 'utf8')).toBe('.lieutenant/\n');
    await commitAll(top);
    expect((await loadRepo(join(top, 'ops'))).ok).toBe(true);
  });

  it('says so when DIR is a file (exit 2)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'taken'), '');
    const io = captureIo();
    expect(await runCli(['init', 'taken'], io, { cwd: dir })).toBe(2);
    expect(io.err()).toMatch(/cannot make the folder .*taken: EEXIST/);
  });
});
