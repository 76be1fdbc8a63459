/**
 * Rules that join a playbook with its inventory: the file name, the
 * inventory and groups it names, package names and versions as the group's
 * package manager spells them, and health-check templates that use a
 * package the playbook actually sets for that group.
 */
import { checkStrings } from './check-strings.js';
import { specError, type SpecError } from './errors.js';
import { badUrlMessage, templateText } from './inventory-rules.js';
import { badRenderedUrl } from './url-check.js';
import { DEBIAN_PACKAGE_NAME, DEBIAN_VERSION, RPM_PACKAGE_NAME, RPM_VERSION } from './names.js';
import type { GroupSpec, InventorySpec, PackageManagerKind, PlaybookSpec } from './schema.js';
import type { ValidFile } from './spec-file.js';
import { didYouMean, listOf } from './suggest.js';
import { templateUses } from './templates.js';
import { stepRules } from './step-rules.js';

export interface InventoryIndex {
  /** Every inventory file present at the revision, by name (valid or not). */
  present: readonly string[];
  /** The ones that passed the schema. */
  valid: ReadonlyMap<string, ValidFile<InventorySpec>>;
}

export function playbookRules(playbook: ValidFile<PlaybookSpec>, inventories: InventoryIndex): SpecError[] {
  const { file, stem, yaml, spec } = playbook;
  const errors: SpecError[] = [];
  if (spec.rollout !== stem) {
    errors.push(
      specError(
        file,
        `rollout "${spec.rollout}" does not match the file name: ${file} must say rollout: ${stem} (or be renamed to playbooks/${spec.rollout}.yaml)`,
        yaml.at(['rollout']),
      ),
    );
  }
  if (!inventories.present.includes(spec.inventory)) {
    const hint = didYouMean(spec.inventory, inventories.present);
    errors.push(
      specError(
        file,
        `inventory "${spec.inventory}" does not exist: there is no inventories/${spec.inventory}.yaml${hint}; inventories: ${listOf(inventories.present)}`,
        yaml.at(['inventory']),
      ),
    );
    return errors;
  }
  const inventory = inventories.valid.get(spec.inventory);
  if (!inventory) return errors; // its own errors are reported with the inventory
  const groups = Object.keys(inventory.spec.groups);
  errors.push(...stepRules(playbook, inventory));
  for (const [groupName, target] of Object.entries(spec.targets)) {
    // Own keys only: a target named "constructor" is not Object.prototype's.
    const group = Object.hasOwn(inventory.spec.groups, groupName) ? inventory.spec.groups[groupName] : undefined;
    if (!group) {
      errors.push(
        specError(
          file,
          `group "${groupName}" is not in ${inventory.file}${didYouMean(groupName, groups)}; groups: ${listOf(groups)}`,
          yaml.at(['targets', groupName], 'key'),
        ),
      );
      continue;
    }
    for (const [name, version] of Object.entries(target.packages)) {
      const path = ['targets', groupName, 'packages', name];
      const rules = PACKAGE_RULES[group.packageManager];
      if (!rules.name.test(name)) {
        errors.push(
          specError(
            file,
            `package "${name}" is not a valid ${rules.family} package name for group "${groupName}" (${group.packageManager}): ${rules.nameChars}`,
            yaml.at(path, 'key'),
          ),
        );
      }
      if (!rules.version.test(version)) {
        errors.push(
          specError(
            file,
            `version "${version}" of ${name} is not a valid ${rules.family} version for group "${groupName}" (${group.packageManager}): ${rules.versionChars}`,
            yaml.at(path),
          ),
        );
      }
    }
    errors.push(...packageTemplates(playbook, inventory, groupName, group, Object.keys(target.packages)));
    errors.push(...versionedUrls(playbook, inventory, groupName, group, target.packages));
  }
  return errors;
}

/** `{{packages.NAME}}` in a group's checks must be a package this playbook sets for that group. */
function packageTemplates(
  playbook: ValidFile<PlaybookSpec>,
  inventory: ValidFile<InventorySpec>,
  groupName: string,
  group: GroupSpec,
  targeted: string[],
): SpecError[] {
  const errors: SpecError[] = [];
  for (const { path, text } of checkStrings(groupName, group)) {
    for (const use of templateUses(text)) {
      if (use.reference.kind !== 'package' || targeted.includes(use.reference.name)) continue;
      const written = templateText(text, use.offset);
      const message = `${written} is not a package that ${playbook.file} sets for group "${groupName}"${didYouMean(use.reference.name, targeted)}; it sets: ${listOf(targeted)}`;
      errors.push(specError(inventory.file, message, inventory.yaml.within(path, written)));
    }
  }
  return errors;
}

/** URLs with {{packages.NAME}} are valid with the versions this playbook sets, too (reported in the inventory). */
function versionedUrls(
  playbook: ValidFile<PlaybookSpec>,
  inventory: ValidFile<InventorySpec>,
  groupName: string,
  group: GroupSpec,
  packages: Record<string, string>,
): SpecError[] {
  return group.health.flatMap((check, index) => {
    if (!check.http || !templateUses(check.http.url).some((use) => use.reference.kind === 'package')) return [];
    const bad = badRenderedUrl(check.http.url, group.hosts, packages);
    if (!bad) return [];
    const path = ['groups', groupName, 'health', index, 'http', 'url'];
    const message = `${badUrlMessage(path, bad)} (with the versions ${playbook.file} sets)`;
    return [specError(inventory.file, message, inventory.yaml.at(path))];
  });
}

interface PackageRules {
  family: string;
  name: RegExp;
  nameChars: string;
  version: RegExp;
  versionChars: string;
}

const DEBIAN: PackageRules = {
  family: 'Debian',
  name: DEBIAN_PACKAGE_NAME,
  nameChars: 'lowercase letters, digits and "+ - .", at least two characters, starting with a letter or digit',
  version: DEBIAN_VERSION,
  versionChars: 'starts with a digit, then letters, digits and ". + ~ -", an optional "EPOCH:" first',
};

const RPM: PackageRules = {
  family: 'RPM',
  name: RPM_PACKAGE_NAME,
  nameChars: 'letters, digits and "+ - . _", starting with a letter, digit or "_"',
  version: RPM_VERSION,
  versionChars: 'letters, digits and ". _ + ~ ^ -", starting with a letter or digit, an optional "EPOCH:" first',
};

const PACKAGE_RULES: Record<PackageManagerKind, PackageRules> = { apt: DEBIAN, dnf: RPM, yum: RPM, zypper: RPM };
