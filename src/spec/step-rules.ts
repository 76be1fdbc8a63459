/**
 * Rules for a playbook's steps that the schema alone cannot say: every
 * template names something real — a package the playbook sets for the
 * step's group, a field of the host, the run's id or short commit — and a
 * run-level step names a host of the inventory.
 */
import { specError, type SpecError } from './errors.js';
import { templateText } from './inventory-rules.js';
import type { InventorySpec, PlaybookSpec } from './schema.js';
import { HOST_STEP_POINTS } from './schema-steps.js';
import type { ValidFile } from './spec-file.js';
import { didYouMean, listOf } from './suggest.js';
import { templateUses } from './templates.js';
import type { PathSegment } from './yaml-source.js';

const FIELDS = ['host.address', 'host.name', 'run.id', 'commit.short'];
const WORDS = '{{host.name}}, {{host.address}}, {{packages.NAME}}, {{run.id}} or {{commit.short}}';

export function stepRules(playbook: ValidFile<PlaybookSpec>, inventory: ValidFile<InventorySpec>): SpecError[] {
  const { spec } = playbook;
  const errors: SpecError[] = [];
  for (const [groupName, target] of Object.entries(spec.targets)) {
    for (const point of HOST_STEP_POINTS) {
      target.steps?.[point].forEach((step, index) => {
        const path = ['targets', groupName, 'steps', point, index, 'run'];
        errors.push(...argvTemplates(playbook, path, step.run, Object.keys(target.packages), groupName));
      });
    }
  }
  const hostGroups = new Map(
    Object.entries(inventory.spec.groups).flatMap(([group, g]) => Object.keys(g.hosts).map((h) => [h, group] as const)),
  );
  for (const when of ['before', 'after'] as const) {
    spec.steps?.[when].forEach((step, index) => {
      const path = ['steps', when, index];
      const group = hostGroups.get(step.host);
      if (group === undefined) {
        const hosts = [...hostGroups.keys()];
        const message = `host "${step.host}" is not in ${inventory.file}${didYouMean(step.host, hosts)}; a run step runs on one host of the inventory`;
        errors.push(specError(playbook.file, message, playbook.yaml.at([...path, 'host'])));
        return;
      }
      const packages = Object.hasOwn(spec.targets, group) ? Object.keys(spec.targets[group]?.packages ?? {}) : [];
      errors.push(...argvTemplates(playbook, [...path, 'run'], step.run, packages, group));
    });
  }
  return errors;
}

function argvTemplates(
  { file, yaml }: ValidFile<PlaybookSpec>,
  path: PathSegment[],
  argv: readonly string[],
  packages: string[],
  group: string,
): SpecError[] {
  const errors: SpecError[] = [];
  argv.forEach((arg, index) => {
    const at = [...path, index];
    for (const use of templateUses(arg)) {
      const written = templateText(arg, use.offset);
      if (use.reference.kind === 'invalid') {
        const inner = use.reference.text;
        const hint = inner.startsWith('packages.')
          ? `: "${inner.slice('packages.'.length)}" is not a package name`
          : `${didYouMean(inner, FIELDS)}; templates may be ${WORDS}`;
        errors.push(specError(file, `unknown template ${written}${hint}`, yaml.within(at, written)));
      } else if (use.reference.kind === 'package' && !packages.includes(use.reference.name)) {
        const message = `${written} is not a package this playbook sets for group "${group}"${didYouMean(use.reference.name, packages)}; it sets: ${listOf(packages)}`;
        errors.push(specError(file, message, yaml.within(at, written)));
      }
    }
    const leftover = arg.replace(/\{\{[^}]*\}\}/g, '');
    if (leftover.includes('{{') || leftover.includes('}}')) {
      errors.push(specError(file, `unclosed template in ${JSON.stringify(arg)}: write ${WORDS}`, yaml.at(at)));
    }
  });
  return errors;
}
