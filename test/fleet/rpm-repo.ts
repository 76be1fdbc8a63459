import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ADDON_PACKAGE,
  ADDON_VERSION,
  BROKEN_VERSION,
  DEMO_PACKAGE,
  DEMO_VERSIONS,
  FLAKY_VERSION,
  SLOW_VERSION,
} from './apt-repo.js';
import { runChecked } from './exec.js';

/**
 * The RPM twin of apt-repo.ts: the same `demo` versions (as release 1, so a
 * pin "1.1" matches 1.1-1 on an RPM host as it matches 1.1 on a Debian one),
 * the same broken 1.2 and the same add-on, plus what only RPM has: a second
 * release of 2.0 (2.0-3) and an epoch (1:2.0-3, which outranks every epoch-0
 * version, 2.0-3 included). Each package writes its EVR, as `rpm -q` prints
 * it, to /opt/<name>/VERSION, so the service answers "demo 1.1-1 ok".
 */
export interface RpmSource {
  name: string;
  epoch: number;
  version: string;
  release: string;
  broken: boolean;
}

/** The extra demo builds only RPM hosts have: release parts and an epoch to compare and install. */
export const RPM_EXTRA_DEMOS = [
  { epoch: 0, version: '2.0', release: '3' },
  { epoch: 1, version: '2.0', release: '3' },
] as const;

export const rpmEvr = (source: Pick<RpmSource, 'epoch' | 'version' | 'release'>): string =>
  `${source.epoch === 0 ? '' : `${source.epoch}:`}${source.version}-${source.release}`;

export function rpmSources(): RpmSource[] {
  // The flaky and slow releases are for the analysis tests, which use the Debian hosts only.
  const demos = DEMO_VERSIONS.filter((version) => version !== FLAKY_VERSION && version !== SLOW_VERSION).map(
    (version) => ({ epoch: 0, version, release: '1' }),
  );
  return [
    ...[...demos, ...RPM_EXTRA_DEMOS].map((evr) => ({
      name: DEMO_PACKAGE,
      ...evr,
      broken: evr.version === BROKEN_VERSION,
    })),
    { name: ADDON_PACKAGE, epoch: 0, version: ADDON_VERSION, release: '1', broken: false },
  ];
}

// One spec for every build; the values come in as --define macros.
const SPEC = `Name: %{pkg}
Version: %{ver}
Release: %{rel}
%if 0%{?ep}
Epoch: %{ep}
%endif
Summary: Lieutenant test fleet package %{pkg} %{evr}
License: MIT
BuildArch: noarch
%description
Files under /opt only, so installing it never touches the real machine.
%install
mkdir -p %{buildroot}/opt/%{pkg}
echo '%{evr}' > %{buildroot}/opt/%{pkg}/VERSION
%if 0%{?broken}
echo 'this release makes /health answer 500' > %{buildroot}/opt/%{pkg}/BROKEN
%endif
%files
/opt/%{pkg}
`;

/** Bump when the repository layout changes, so cached repositories are rebuilt. */
const REPO_FORMAT = 1;

function inputsHash(): string {
  return createHash('sha256')
    .update(JSON.stringify({ REPO_FORMAT, SPEC, inputs: rpmSources() }))
    .digest('hex');
}

export interface RpmRepo {
  dir: string;
  /** The repository file hosts put in /etc/yum.repos.d and /etc/zypp/repos.d: unsigned, local. */
  repoFile: string;
  cached: boolean;
}

function repoFile(dir: string): string {
  // gpgcheck off: the packages are unsigned, as the apt repo is [trusted=yes]. zypper reads the same ini format.
  return `[fleet]\nname=Lieutenant test fleet\nbaseurl=file://${dir}\nenabled=1\ngpgcheck=0\nautorefresh=0\ntype=rpm-md\n`;
}

async function buildRpm(source: RpmSource, work: string, out: string, rpmbuild: string): Promise<void> {
  const top = join(work, `${source.name}-${source.epoch}-${source.version}-${source.release}`);
  const spec = join(work, 'fleet.spec');
  await writeFile(spec, SPEC);
  const define = (name: string, value: string | number) => ['--define', `${name} ${value}`];
  await runChecked(rpmbuild, [
    '-bb',
    '--nodeps',
    '--quiet',
    ...define('_topdir', top),
    // Debian's rpm keeps its database under ~/.rpmdb; building needs none.
    ...define('_dbpath', join(work, 'rpmdb')),
    ...define('pkg', source.name),
    ...define('ver', source.version),
    ...define('rel', source.release),
    ...define('ep', source.epoch),
    ...define('evr', rpmEvr(source)),
    ...define('broken', source.broken ? 1 : 0),
    spec,
  ]);
  // File names carry no epoch: 2.0-3 and 1:2.0-3 would collide, so each epoch gets its own folder.
  const target = join(out, `epoch${source.epoch}`);
  await mkdir(target, { recursive: true });
  const built = join(top, 'RPMS', 'noarch');
  for (const file of await readdir(built)) await rename(join(built, file), join(target, file));
}

/**
 * Builds the RPM repository (rpmbuild + createrepo_c) in `dir`, or reuses the
 * one there when its inputs hash matches; built beside and renamed into place.
 */
export async function buildRpmRepo(dir: string, tools: { rpmbuild: string; createrepo_c: string }): Promise<RpmRepo> {
  const hash = inputsHash();
  const stamp = join(dir, '.inputs-sha256');
  if (
    (await readFile(stamp, 'utf8').catch(() => '')) === hash &&
    (await stat(join(dir, 'repodata', 'repomd.xml')).catch(() => undefined))
  )
    return { dir, repoFile: repoFile(dir), cached: true };

  const staging = `${dir}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const work = join(staging, '.work');
  await mkdir(work, { recursive: true });
  for (const source of rpmSources()) await buildRpm(source, work, staging, tools.rpmbuild);
  await rm(work, { recursive: true });
  await runChecked(tools.createrepo_c, ['--quiet', '--no-database', staging]);
  await writeFile(stamp.replace(dir, staging), hash);
  await chmod(staging, 0o755);
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  return { dir, repoFile: repoFile(dir), cached: false };
}
