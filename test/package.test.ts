/**
 * What `npm pack` makes, installed the way a user installs it: `npm install
 * -g` of the tarball into a fresh prefix, production dependencies only, no
 * TypeScript, no tsx. Built from a copy of the sources (so this test never
 * rewrites the checkout's dist/), packed without lifecycle scripts, installed
 * preferring the npm cache `npm ci` filled (the registry only for what the
 * cache lacks, package metadata). The install must print no install-script
 * warning; the package must hold its docs (every link of its README and docs/
 * resolving inside it), man page, licence and changelog, and no test helper
 * or source map; then the installed `lieutenant` must print its version, make
 * a rollout repo with `init` and validate it.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The packages `names` need at run time (dependencies and optional ones), themselves included. */
async function productionClosure(names: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  const visit = async (name: string): Promise<void> => {
    if (found.has(name)) return;
    const manifest = await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8').catch(() => undefined);
    if (manifest === undefined) return; // an optional dependency not installed on this platform
    found.add(name);
    const { dependencies = {}, optionalDependencies = {} } = JSON.parse(manifest) as Record<
      string,
      Record<string, string>
    >;
    for (const dependency of Object.keys({ ...dependencies, ...optionalDependencies })) await visit(dependency);
  };
  for (const name of names) await visit(name);
  return [...found];
}

/** Relative link targets of a markdown page (outside code), without anchors. */
function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => (match[1] ?? '').split('#')[0] ?? '')
    .filter((target) => target !== '' && !/^[a-z]+:/.test(target));
}

describe('the npm package', () => {
  it(
    'packs with its docs and man page, installs globally without a warning or dev dependencies, and runs --version, init and validate',
    { timeout: 600_000 },
    async () => {
      const work = await mkdtemp(join(tmpdir(), 'lieutenant-package-'));
      temps.push(work);
      const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        license: string;
        bundleDependencies: string[];
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
        'LICENSE',
        'CHANGELOG.md',
        'docs',
        'man',
        'contrib',
        'scripts',
        'bin',
        'schema',
        'src',
      ])
        await cp(join(ROOT, entry), join(source, entry), { recursive: true });
      await symlink(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
      await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
        cwd: source,
      });
      // npm bundles from a real node_modules (not through a link): the bundled packages, copied
      await rm(join(source, 'node_modules'));
      for (const name of await productionClosure(pkg.bundleDependencies))
        await cp(join(ROOT, 'node_modules', name), join(source, 'node_modules', name), { recursive: true });
      const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
        cwd: source,
      });
      const [{ filename, files, bundled }] = JSON.parse(packed.stdout) as [
        {
          filename: string;
          files: Array<{ path: string }>;
          bundled: string[];
        },
      ];
      const paths = files.map((file) => file.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'bin/lieutenant.js',
          'dist/cli/main.js',
          'schema/inventory.schema.json',
          'LICENSE',
          'CHANGELOG.md',
          'README.md',
          'docs/commands.md',
          'man/lieutenant.1',
          'contrib/systemd/lieutenant-watch.service',
        ]),
      );
      // ssh2 travels inside the package: a bundled dependency's install script never runs, nor is warned about
      expect(bundled).toEqual(expect.arrayContaining(['node-ssh', 'ssh2', 'cpu-features']));
      const own = paths.filter((path) => !path.startsWith('node_modules/'));
      expect(own.filter((path) => path.startsWith('src/') || path.includes('.test.'))).toEqual([]);
      // No test helper, fixture or source map in dist/
      expect(own.filter((path) => /testing|fixture|\.map$|\.d\.ts$/.test(path) && path.startsWith('dist/'))).toEqual(
        [],
      );
      // Every relative link of the README and docs/ leads to a file of the package
      const broken: string[] = [];
      for (const page of own.filter((path) => path.endsWith('.md'))) {
        const text = await readFile(join(source, page), 'utf8');
        for (const target of relativeLinks(text)) {
          const path = normalize(join(dirname(page), target));
          if (!paths.includes(path) && !paths.some((file) => file.startsWith(`${path.replace(/\/$/, '')}/`)))
            broken.push(`${page} -> ${target}`);
        }
      }
      expect(broken).toEqual([]);
      expect(await readFile(join(source, 'LICENSE'), 'utf8')).toMatch(new RegExp(`^${pkg.license} License`));

      // When it is installed globally into a fresh prefix, from the cache
      const prefix = join(work, 'prefix');
      const installed = await run(
        'npm',
        ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(work, filename)],
        { cwd: work },
      );
      // Then npm has nothing to warn about: no install script of the package's own, none of a dependency to allow
      expect(installed.stderr).not.toMatch(/install.scripts|allow.scripts|allowScripts/i);
      const home = join(prefix, 'lib/node_modules', pkg.name);
      const modules = await readdir(join(home, 'node_modules'));
      expect(modules.filter((name) => name in pkg.devDependencies || name === 'tsx')).toEqual([]);
      const user = join(work, 'user');
      await mkdir(user);

      // Then the installed command runs from dist/: its version, a new rollout repo, validated
      const lieutenant = (args: string[], cwd = user) =>
        run(join(prefix, 'bin/lieutenant'), args, { cwd, env: { ...process.env, CI: 'true' } });
      expect((await lieutenant(['--version'])).stdout).toBe(`${pkg.version}\n`);
      expect((await lieutenant(['-v'])).stdout).toBe(`${pkg.version}\n`);
      expect((await lieutenant(['completion', 'bash'])).stdout).toContain('complete -F _lieutenant lieutenant');
      expect(
        (await run('man', ['-l', join(home, 'man/lieutenant.1')], { env: { ...process.env, MANWIDTH: '80' } })).stdout,
      ).toMatch(/EXIT STATUS/);
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
