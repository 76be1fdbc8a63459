/**
 * What validates but probably does not do what its author meant. Warnings,
 * not errors: a group emptied while its machines are decommissioned is
 * legitimate, and must not block every other rollout of the environment.
 */
import { specError, type SpecError } from './errors.js';
import type { InventoryIndex } from './playbook-rules.js';
import type { InventorySpec, PlaybookSpec } from './schema.js';
import type { ValidFile } from './spec-file.js';

/** Groups without hosts: a rollout that targets one does nothing there. */
export function inventoryWarnings({ file, yaml, spec }: ValidFile<InventorySpec>): SpecError[] {
  return Object.entries(spec.groups).flatMap(([groupName, group]) =>
    Object.keys(group.hosts).length > 0
      ? []
      : [
          specError(
            file,
            `group "${groupName}" has no hosts: a rollout that targets it changes nothing there`,
            yaml.at(['groups', groupName, 'hosts']),
          ),
        ],
  );
}

/** Targets whose group has no hosts. */
export function playbookWarnings({ file, yaml, spec }: ValidFile<PlaybookSpec>, index: InventoryIndex): SpecError[] {
  const inventory = index.valid.get(spec.inventory)?.spec;
  if (inventory === undefined) return [];
  return Object.keys(spec.targets).flatMap((groupName) => {
    const group = Object.hasOwn(inventory.groups, groupName) ? inventory.groups[groupName] : undefined;
    if (group === undefined || Object.keys(group.hosts).length > 0) return [];
    return [
      specError(
        file,
        `targets.${groupName}: group "${groupName}" of ${spec.inventory} has no hosts, so this target changes nothing`,
        yaml.at(['targets', groupName], 'key'),
      ),
    ];
  });
}
