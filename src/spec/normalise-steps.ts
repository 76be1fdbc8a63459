/** Steps as the engine reads them: durations in milliseconds, a run step's host resolved. */
import { dialledAddress } from './addresses.js';
import { parseDuration } from './duration.js';
import type { HostSteps, RunSteps, RunStepTarget, StepTarget } from './model.js';
import type { HostStepSpec, InventorySpec, PlaybookSpec, RunStepSpec } from './schema.js';

export function hostSteps(spec: Partial<Record<keyof HostSteps, HostStepSpec[]>> | undefined): HostSteps {
  return {
    beforeDrain: (spec?.beforeDrain ?? []).map(stepTarget),
    afterDrain: (spec?.afterDrain ?? []).map(stepTarget),
    afterInstall: (spec?.afterInstall ?? []).map(stepTarget),
    afterReturn: (spec?.afterReturn ?? []).map(stepTarget),
  };
}

export function runSteps(playbook: PlaybookSpec, inventory: InventorySpec): RunSteps {
  const resolve = (step: RunStepSpec): RunStepTarget[] => {
    for (const [groupName, group] of Object.entries(inventory.groups)) {
      const host = Object.hasOwn(group.hosts, step.host) ? group.hosts[step.host] : undefined;
      if (!host) continue;
      const target = Object.hasOwn(playbook.targets, groupName) ? playbook.targets[groupName] : undefined;
      return [
        {
          ...stepTarget(step),
          host: {
            name: step.host,
            address: dialledAddress(host.address),
            group: groupName,
            lbServer: host.lbServer ?? step.host,
          },
          packages: { ...(target?.packages ?? {}) },
          always: step.always,
        },
      ];
    }
    return []; // validation rejects a host the inventory lacks
  };
  return {
    before: (playbook.steps?.before ?? []).flatMap(resolve),
    after: (playbook.steps?.after ?? []).flatMap(resolve),
  };
}

function stepTarget(step: HostStepSpec): StepTarget {
  return { argv: [...step.run], timeoutMs: parseDuration(step.timeout) ?? 0, become: step.become };
}
