/**
 * What `npm pack` makes, installed the way a user installs it: a fresh
 * folder, production dependencies only, no TypeScript, no tsx. Built from a
 * copy of the sources (so this test never rewrites the checkout's dist/),
 * packed without lifecycle scripts, installed preferring the npm cache `npm ci`
 * filled (the registry only for what the cache lacks, package metadata). Then the installed `lieutenant` must print
 * its version, make a rollout repo with `init` and validate it.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the npm package', () => {
  it(
    'packs, installs without dev dependencies, and runs lieutenant --version, init and validate',
    { timeout: 600_000 },
    async () => {
      const work = await mkdtemp(join(tmpdir(), 'lieutenant-package-'));
      temps.push(work);
      const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        devDependencies: Record<string, string>;
      };

      // Given the package built from a copy of the sources and packed
      const source = join(work, 'source');
      await mkdir(source);
      for (const entry of [
        'package.json',
        'package-lock.json',
        'tsconfig.json',
        'tsconfig.build.json',
        'README.md',
        'bin',
        'schema',
        'src',
      ])
        await cp(join(ROOT, entry), join(source, entry), { recursive: true });
      await symlink(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
      await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
        cwd: source,
      });
      const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
        cwd: source,
      });
      const [{ filename, files }] = JSON.parse(packed.stdout) as [
        {
          filename: string;
          files: Array<{ path: string }>;
        },
      ];
      const paths = files.map((file) => file.path);
      expect(paths).toEqual(
        expect.arrayContaining(['bin/lieutenant.js', 'dist/cli/main.js', 'schema/inventory.schema.json']),
      );
      expect(paths.filter((path) => path.startsWith('src/') || path.includes('.test.'))).toEqual([]);

      // When it is installed into a fresh project: production dependencies only, from the cache
      const user = join(work, 'user');
      await mkdir(user);
      await writeFile(
        join(user, 'package.json'),
        // As package.json explains: ssh2's optional native crypto is not needed; nor is the package's
        // own prepare (it builds dist/ from src/, which a packed package has no need of: dist/ is in it).
        JSON.stringify({
          name: 'operator',
          private: true,
          allowScripts: { ssh2: false, 'cpu-features': false },
        }),
      );
      const installed = await run(
        'npm',
        ['install', '--prefer-offline', '--omit=dev', '--no-audit', '--no-fund', join(work, filename)],
        { cwd: user },
      );
      // Nothing needs an install script: ssh2's and cpu-features' are denied above and never run.
      expect(installed.stderr).not.toMatch(/install-scripts\s+(ssh2|cpu-features)@/);
      const modules = await readdir(join(user, 'node_modules'));
      expect(modules).toContain(pkg.name);
      expect(modules.filter((name) => name in pkg.devDependencies || name === 'tsx')).toEqual([]);

      // Then the installed command runs from dist/: its version, a new rollout repo, validated
      const lieutenant = (args: string[], cwd = user) =>
        run(join(user, 'node_modules/.bin/lieutenant'), args, { cwd, env: { ...process.env, CI: 'true' } });
      expect((await lieutenant(['--version'])).stdout).toBe(`${pkg.version}\n`);
      await lieutenant(['init', 'rollouts']);
      const repo = join(user, 'rollouts');
      expect(JSON.parse(await readFile(join(repo, 'schema/inventory.schema.json'), 'utf8'))).toHaveProperty('title');
      await run('git', ['add', '-A'], { cwd: repo });
      await run('git', ['-c', 'user.name=Op', '-c', 'user.email=op@example.invalid', 'commit', '-qm', 'Rollout repo'], {
        cwd: repo,
      });
      const validated = await lieutenant(['validate'], repo);
      expect(validated.stdout).toMatch(/^1 playbook, 1 inventory valid at [0-9a-f]{7} Rollout repo\n$/);
    },
  );
});
