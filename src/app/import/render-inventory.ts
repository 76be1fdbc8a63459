/**
 * A mapped inventory as the YAML file `import` writes: the schema line, a
 * header saying what Lieutenant needs that Ansible does not have (load
 * balancers, health checks, the package manager), the spec, and every note
 * as a comment where it applies — `# not mapped: …` at the end.
 */
import { stringify } from 'yaml';
import type { MappedInventory } from './map-inventory.js';

export interface RenderOptions {
  environment: string;
  /** The Ansible inventory file, as the user named it. */
  source: string;
}

const scalar = (value: string | number): string => stringify(value).trimEnd();

export function renderInventory(mapped: MappedInventory, { environment, source }: RenderOptions): string {
  const { ssh } = mapped;
  const lines = [
    '# yaml-language-server: $schema=../schema/inventory.schema.json',
    `# Imported from the Ansible inventory ${source} by lieutenant import ansible.`,
    '# Lieutenant needs what Ansible inventories do not have; add it before a run:',
    '#   loadBalancers: the HAProxy each group is drained on (then loadBalancer: NAME in the group)',
    '#   health: the checks a host passes before it goes back into rotation',
    '#   packageManager: written as apt for every group; set dnf, yum or zypper where it differs',
    `environment: ${scalar(environment)}`,
    'ssh:',
    `  user: ${scalar(ssh.user)}`,
    `  port: ${ssh.port}`,
    ...(ssh.identityFile !== undefined ? [`  identityFile: ${scalar(ssh.identityFile)}`] : []),
    '  knownHosts: ~/.ssh/known_hosts   # host keys are verified: each host must be in it',
    '  hostKeyPolicy: strict',
    `  become: ${ssh.become}`,
    ...ssh.notes.map((note) => `  # ${note}`),
    'loadBalancers: {}',
    'groups:',
  ];
  for (const group of mapped.groups) {
    lines.push(`  ${scalar(group.name)}:${group.from === group.name ? '' : `   # Ansible group ${group.from}`}`);
    lines.push('    packageManager: apt');
    lines.push('    hosts:');
    for (const host of group.hosts) {
      const entry = `      ${scalar(host.name)}: { address: ${scalar(host.address)} }`;
      lines.push(host.notes.length === 0 ? entry : `${entry}   # ${host.notes.join('; ')}`);
    }
    lines.push('    health: []');
  }
  if (mapped.groups.length === 0) lines[lines.length - 1] = 'groups: {}   # no host could be imported';
  if (mapped.notMapped.length > 0) {
    lines.push('# not mapped (no Lieutenant setting, or left out):');
    lines.push(...mapped.notMapped.map((note) => `#   ${note}`));
  }
  return `${lines.join('\n')}\n`;
}
