import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runChecked } from './exec.js';

/** The package every fleet host runs; its versions are what rollouts move between. */
export const DEMO_PACKAGE = 'demo';
export const DEMO_VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '2.0'] as const;
export type DemoVersion = (typeof DEMO_VERSIONS)[number];
/** Installs cleanly, then the service answers 500: the release a health gate must catch. */
export const BROKEN_VERSION = '1.2' satisfies DemoVersion;
/** Passes /health, but answers every other request to / with 500: the release only a metric analysis catches. */
export const FLAKY_VERSION = '1.3' satisfies DemoVersion;
/** Passes /health, but takes SLOW_MS to answer each request to /: the release only a latency metric catches. */
export const SLOW_VERSION = '1.4' satisfies DemoVersion;
export const SLOW_MS = 400;
/** What every host runs after `up` and after resetFleet. */
export const INITIAL_VERSION = '1.0' satisfies DemoVersion;
/** A second package that no host has after `up` or resetFleet: a release may add it, and a rollback must remove it again. */
export const ADDON_PACKAGE = 'demo-addon';
export const ADDON_VERSION = '1.0';

interface PackageSource {
  name: string;
  version: string;
  control: string;
  files: Record<string, string>;
}

/** Every package of the repository: each demo version, and the add-on. */
function packageSources(): PackageSource[] {
  const addon: PackageSource = {
    name: ADDON_PACKAGE,
    version: ADDON_VERSION,
    control: controlFile(ADDON_PACKAGE, ADDON_VERSION, `Lieutenant demo add-on ${ADDON_VERSION}`),
    files: { 'opt/demo-addon/VERSION': `${ADDON_VERSION}\n` },
  };
  const demos = DEMO_VERSIONS.map((version) => ({
    name: DEMO_PACKAGE,
    version,
    control: controlFile(DEMO_PACKAGE, version, `Lieutenant demo application ${version}`),
    files: demoFiles(version),
  }));
  return [...demos, addon];
}

/** Everything under /opt/demo for one version; the service reads these files on every request. */
function demoFiles(version: DemoVersion): Record<string, string> {
  const files: Record<string, string> = { 'opt/demo/VERSION': `${version}\n` };
  if (version === BROKEN_VERSION) files['opt/demo/BROKEN'] = 'this release makes /health answer 500\n';
  if (version === FLAKY_VERSION) files['opt/demo/ERROR_RATE'] = '0.5\n';
  if (version === SLOW_VERSION) files['opt/demo/DELAY_MS'] = `${SLOW_MS}\n`;
  return files;
}

function controlFile(name: string, version: string, description: string): string {
  return [
    `Package: ${name}`,
    `Version: ${version}`,
    'Architecture: all',
    'Section: misc',
    'Priority: optional',
    'Maintainer: Lieutenant test fleet <fleet@lieutenant.invalid>',
    `Description: ${description}`,
    ' Files under /opt only, so installing it never touches the real machine.',
    '',
  ].join('\n');
}

/** Bump when the repository layout changes, so cached repositories are rebuilt. */
const REPO_FORMAT = 4;

function inputsHash(): string {
  return createHash('sha256')
    .update(JSON.stringify({ REPO_FORMAT, inputs: packageSources() }))
    .digest('hex');
}

async function buildPackage(source: PackageSource, workDir: string, outDir: string, dpkgDeb: string): Promise<void> {
  const tree = join(workDir, `${source.name}-${source.version}`);
  const write = async (relative: string, content: string) => {
    const path = join(tree, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content, { mode: 0o644 });
  };
  await write('DEBIAN/control', source.control);
  for (const [path, content] of Object.entries(source.files)) await write(path, content);
  // dpkg-deb insists on 0755 directories whatever the umask made.
  await runChecked('chmod', ['-R', 'u=rwX,go=rX', tree]);
  await runChecked(dpkgDeb, [
    '--root-owner-group',
    '-Zgzip',
    '--build',
    tree,
    join(outDir, `${source.name}_${source.version}_all.deb`),
  ]);
}

/** A Release file without signature: hosts trust the repo with [trusted=yes], and apt stays quiet. */
function releaseFile(indexes: Record<string, Buffer>): string {
  const lines = [
    'Origin: lieutenant-fleet',
    'Label: lieutenant-fleet',
    'Suite: fleet',
    'Codename: fleet',
    `Date: ${new Date().toUTCString()}`,
    'SHA256:',
  ];
  for (const [name, content] of Object.entries(indexes)) {
    lines.push(` ${createHash('sha256').update(content).digest('hex')} ${content.length} ${name}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface AptRepo {
  dir: string;
  /** The line hosts put in /etc/apt/sources.list. */
  sourcesLine: string;
  cached: boolean;
}

/**
 * Builds the flat apt repository (dpkg-deb + dpkg-scanpackages -m) in `dir`, or
 * reuses the one there when its inputs hash matches. Built beside and renamed
 * into place, so an interrupted build never leaves a half repository.
 */
export async function buildAptRepo(
  dir: string,
  tools: { 'dpkg-deb': string; 'dpkg-scanpackages': string },
): Promise<AptRepo> {
  const hash = inputsHash();
  const sourcesLine = `deb [trusted=yes] file:${dir} ./`;
  const stamp = join(dir, '.inputs-sha256');
  const current = await readFile(stamp, 'utf8').catch(() => '');
  if (current === hash && (await stat(join(dir, 'Release')).catch(() => undefined)))
    return { dir, sourcesLine, cached: true };

  const staging = `${dir}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const work = join(staging, '.work');
  await mkdir(work, { recursive: true });
  for (const source of packageSources()) await buildPackage(source, work, staging, tools['dpkg-deb']);
  await rm(work, { recursive: true });
  // -m keeps every version in the index, so hosts can install any of them (upgrades and downgrades).
  const packages = Buffer.from(
    await runChecked(tools['dpkg-scanpackages'], ['-m', '.', '/dev/null'], { cwd: staging }),
  );
  const packagesGz = gzipSync(packages);
  await writeFile(join(staging, 'Packages'), packages);
  await writeFile(join(staging, 'Packages.gz'), packagesGz);
  await writeFile(join(staging, 'Release'), releaseFile({ Packages: packages, 'Packages.gz': packagesGz }));
  await writeFile(join(staging, '.inputs-sha256'), hash);
  await chmod(staging, 0o755);
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  return { dir, sourcesLine, cached: false };
}
