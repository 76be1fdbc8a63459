/**
 * A mapped inventory as the YAML file `import` writes: the schema line, a
 * header saying what Lieutenant needs that Ansible does not have (load
 * balancers, health checks, the package manager), the spec, and every note
 * as a comment where it applies — `# not mapped: …` at the end.
 *
 * Everything that came from the Ansible file is written so it cannot leave
 * its place: a value is plain only when YAML reads it back as the same
 * string, otherwise double-quoted with every control character escaped; a
 * comment has its line breaks and control characters escaped, so nothing in
 * a variable's name or value can end a comment and start a key.
 */
import { parse } from 'yaml';
import { printable } from '../../spec/errors.js';
import type { MappedInventory, MappedSsh } from './map-inventory.js';

export interface RenderOptions {
  environment: string;
  /** The Ansible inventory file, as the user named it. */
  source: string;
}

/** Safe as a plain YAML scalar that reads back as this same string. */
const PLAIN = /^[A-Za-z0-9_/~][A-Za-z0-9_./~@-]*$/;

export function scalar(value: string | number): string {
  if (typeof value === 'number') return String(value);
  if (PLAIN.test(value) && parse(value) === value) return value;
  return `"${escapeText(value, true)}"`;
}

/** Control characters, line and paragraph separators as \x.., \u....; in quotes also `"` and `\`. */
function escapeText(value: string, quoted: boolean): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (quoted && (char === '"' || char === '\\')) out += `\\${char}`;
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029)
      out += code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return out;
}

/** A comment's text: one line whatever it holds, no terminal escapes or bidirectional overrides. */
export function comment(text: string): string {
  return `# ${commentText(text)}`;
}

function commentText(text: string): string {
  return printable(text).replace(/[\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}

function flowSsh(ssh: MappedSsh): string | undefined {
  const entries = Object.entries(ssh).filter(([, value]) => value !== undefined) as Array<[string, string | number]>;
  if (entries.length === 0) return undefined;
  return `{ ${entries.map(([key, value]) => `${key}: ${scalar(value)}`).join(', ')} }`;
}

export function renderInventory(mapped: MappedInventory, { environment, source }: RenderOptions): string {
  const { ssh } = mapped;
  const lines = [
    '# yaml-language-server: $schema=../schema/inventory.schema.json',
    comment(`Imported from the Ansible inventory ${source} by lieutenant import ansible.`),
    '# Lieutenant needs what Ansible inventories do not have; add it before a run:',
    '#   loadBalancers: the HAProxy each group is drained on (then loadBalancer: NAME in the group)',
    '#   health: the checks a host passes before it goes back into rotation',
    '#   packageManager: written as apt for every group; set dnf, yum or zypper where it differs',
    `environment: ${scalar(environment)}`,
    'ssh:',
    `  user: ${scalar(ssh.user)}`,
    `  port: ${ssh.port}`,
    ...(ssh.identityFile !== undefined ? [`  identityFile: ${scalar(ssh.identityFile)}`] : []),
    ...(ssh.proxyJump !== undefined ? [`  proxyJump: ${scalar(ssh.proxyJump)}`] : []),
    '  knownHosts: ~/.ssh/known_hosts   # host keys are verified: each host must be in it',
    '  hostKeyPolicy: strict',
    `  become: ${ssh.become}`,
    ...mapped.sshNotes.map((note) => `  ${comment(note)}`),
    'loadBalancers: {}',
    'groups:',
  ];
  for (const group of mapped.groups) {
    const from = group.from === group.name ? '' : `   ${comment(`Ansible group ${group.from}`)}`;
    lines.push(`  ${scalar(group.name)}:${from}`);
    lines.push('    packageManager: apt');
    const groupSsh = flowSsh(group.ssh);
    if (groupSsh !== undefined) lines.push(`    ssh: ${groupSsh}`);
    lines.push('    hosts:');
    for (const host of group.hosts) {
      const hostSsh = flowSsh(host.ssh);
      const entry = `      ${scalar(host.name)}: { address: ${scalar(host.address)}${hostSsh === undefined ? '' : `, ssh: ${hostSsh}`} }`;
      lines.push(host.notes.length === 0 ? entry : `${entry}   ${comment(host.notes.join('; '))}`);
    }
    lines.push('    health: []');
  }
  if (mapped.groups.length === 0) lines[lines.length - 1] = 'groups: {}   # no host could be imported';
  if (mapped.notMapped.length > 0) {
    lines.push('# not mapped (no Lieutenant setting, or left out):');
    lines.push(...mapped.notMapped.map((note) => `#   ${commentText(note)}`));
  }
  return `${lines.join('\n')}\n`;
}
