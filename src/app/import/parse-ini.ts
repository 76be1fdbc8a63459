/**
 * Ansible's INI inventory format: `[group]` sections of host lines
 * (`name key=value …`, `name:port`, ranges such as `web[01:03]`),
 * `[group:vars]` of `key=value` and `[group:children]` of group names. Hosts
 * before the first section are in `ungrouped`. Every problem comes with its line.
 */
import { ok, type Result } from '../../core/result.js';
import {
  addChild,
  addHost,
  emptyInventory,
  expandHostPattern,
  groupOf,
  type AnsibleInventory,
  type InventoryProblem,
} from './ansible-model.js';

type Section = { kind: 'hosts' | 'vars' | 'children'; group: string };

export function parseIniInventory(text: string): Result<AnsibleInventory, InventoryProblem[]> {
  const inventory = emptyInventory();
  const problems: InventoryProblem[] = [];
  let section: Section = { kind: 'hosts', group: 'ungrouped' };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (content === '' || content.startsWith('#') || content.startsWith(';')) return;
    const header = /^\[([^\]]+)\]$/.exec(content);
    if (header) {
      const [group = '', kind = 'hosts'] = (header[1] ?? '').split(':');
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        problems.push({
          line,
          message: `unknown section [${header[1]}]: a section is [GROUP], [GROUP:vars] or [GROUP:children]`,
        });
        section = { kind: 'vars', group: '' }; // its lines are skipped below
        return;
      }
      section = { kind, group };
      groupOf(inventory, group);
      return;
    }
    if (section.group === '') return;
    if (section.kind === 'children') {
      if (/\s/.test(content)) problems.push({ line, message: `"${content}" is not a group name` });
      else addChild(inventory, section.group, content);
      return;
    }
    if (section.kind === 'vars') {
      const assignment = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(content);
      if (!assignment)
        problems.push({ line, message: `"${content}" in [${section.group}:vars]: each line is key=value` });
      else groupOf(inventory, section.group).vars[assignment[1] ?? ''] = unquote(assignment[2] ?? '');
      return;
    }
    hostLine(inventory, section.group, content, line, problems);
  });
  return problems.length > 0 ? { ok: false, error: problems } : ok(inventory);
}

function hostLine(
  inventory: AnsibleInventory,
  group: string,
  content: string,
  line: number,
  problems: InventoryProblem[],
): void {
  const tokens = splitWords(stripComment(content));
  const [pattern = '', ...assignments] = tokens;
  const vars: Record<string, string> = {};
  for (const token of assignments) {
    const eq = token.indexOf('=');
    if (eq <= 0) {
      problems.push({ line, message: `"${token}" after host ${pattern}: host variables are written key=value` });
      return;
    }
    vars[token.slice(0, eq)] = token.slice(eq + 1);
  }
  // `host:port` (not an IPv6 address, which has more than one colon).
  const withPort = /^([^:]+):(\d+)$/.exec(pattern);
  if (withPort) vars.ansible_port ??= withPort[2] ?? '';
  const hosts = expandHostPattern(withPort ? (withPort[1] ?? '') : pattern);
  if (!hosts) {
    problems.push({ line, message: `"${pattern}" is not a host or a range such as web[01:03].example.com` });
    return;
  }
  for (const host of hosts) addHost(inventory, group, host, vars);
}

/** Words separated by blanks; quotes group words and are removed (`a="b c"` is one word, `a=b c`). */
function splitWords(text: string): string[] {
  const words: string[] = [];
  const pattern = /(?:[^\s"']+|"(?:[^"\\]|\\.)*"|'[^']*')+/g;
  for (const match of text.matchAll(pattern))
    words.push(match[0].replace(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g, (_all, dq?: string, sq?: string) => dq ?? sq ?? ''));
  return words;
}

/** A `#` after a blank, outside quotes, starts a comment. */
function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) return text.slice(0, i);
  }
  return text;
}

function unquote(value: string): string {
  const trimmed = stripComment(value).trim();
  const quoted = /^(["'])(.*)\1$/.exec(trimmed);
  return quoted ? (quoted[2] ?? '') : trimmed;
}
