/**
 * Ansible's INI inventory format, read as its `ini` plugin reads it:
 * `[group]` sections of host lines (`name key=value …`, split as a shell
 * would, `#` starting a comment outside quotes; `name:port`; ranges such as
 * `web[01:03]`), `[group:vars]` of `key=value` (the whole rest of the line is
 * the value) and `[group:children]` of group names. Hosts before the first
 * section are in `ungrouped`; `[g:vars]` for a group defined nowhere is an
 * error, as in Ansible. Every problem comes with its line.
 */
import { ok, type Result } from '../../core/result.js';
import {
  addChild,
  addHost,
  emptyInventory,
  groupOf,
  reconcile,
  type AnsibleInventory,
  type InventoryProblem,
} from './ansible-model.js';
import { expandHostPattern } from './host-ranges.js';

type Section = { kind: 'hosts' | 'vars' | 'children'; group: string };

const HEADER = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

export function parseIniInventory(text: string): Result<AnsibleInventory, InventoryProblem[]> {
  const inventory = emptyInventory();
  groupOf(inventory, 'all');
  groupOf(inventory, 'ungrouped');
  const problems: InventoryProblem[] = [];
  const declared = new Set(['all', 'ungrouped']);
  const varsSections = new Map<string, number>();
  let section: Section | undefined = { kind: 'hosts', group: 'ungrouped' };
  text.split(/\r?\n|\r/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (content === '' || content.startsWith('#') || content.startsWith(';')) return;
    if (content.startsWith('[')) {
      section = header(content, line, problems);
      if (section && section.kind !== 'vars') declared.add(section.group);
      if (section?.kind === 'vars' && !varsSections.has(section.group)) varsSections.set(section.group, line);
      if (section) groupOf(inventory, section.group);
      return;
    }
    if (!section) return; // inside a section already reported
    if (section.kind === 'children') {
      const child = GROUP_NAME.exec(content)?.[1];
      if (child === undefined) problems.push({ line, message: `expected a group name, got "${content}"` });
      else {
        addChild(inventory, section.group, child);
        declared.add(child);
      }
      return;
    }
    if (section.kind === 'vars') {
      const eq = content.indexOf('=');
      if (eq <= 0) problems.push({ line, message: `expected key=value in [${section.group}:vars], got "${content}"` });
      else groupOf(inventory, section.group).vars[content.slice(0, eq).trim()] = iniValue(content.slice(eq + 1).trim());
      return;
    }
    hostLine(inventory, section.group, content, line, problems);
  });
  for (const [group, line] of varsSections)
    if (!declared.has(group))
      problems.push({
        line,
        message: `section [${group}:vars] is for a group defined nowhere (Ansible refuses it too)`,
      });
  problems.push(...reconcile(inventory));
  return problems.length > 0 ? { ok: false, error: problems } : ok(inventory);
}

function header(content: string, line: number, problems: InventoryProblem[]): Section | undefined {
  const match = HEADER.exec(content);
  if (!match) {
    problems.push({ line, message: `"${content}" is not a section header: [GROUP], [GROUP:vars] or [GROUP:children]` });
    return undefined;
  }
  const group = match[1] ?? '';
  const kind = match[2] ?? 'hosts';
  if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
    problems.push({
      line,
      message: `section [${group}:${kind}] has an unknown type: use [GROUP], [GROUP:vars] or [GROUP:children]`,
    });
    return undefined;
  }
  return { kind, group };
}

function hostLine(
  inventory: AnsibleInventory,
  group: string,
  content: string,
  line: number,
  problems: InventoryProblem[],
): void {
  const [pattern = '', ...assignments] = shellWords(content);
  if (pattern === '') return;
  const vars: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const token of assignments) {
    const eq = token.indexOf('=');
    if (eq <= 0) {
      problems.push({ line, message: `"${token}" after host ${pattern}: host variables are written key=value` });
      return;
    }
    vars[token.slice(0, eq)] = iniValue(token.slice(eq + 1));
  }
  const { name, port } = splitPort(pattern);
  if (port !== undefined) vars.ansible_port ??= port;
  const hosts = expandHostPattern(name);
  if (!hosts.ok) {
    problems.push({ line, message: hosts.reason });
    return;
  }
  for (const host of hosts.hosts) addHost(inventory, group, host, vars);
}

/** `host:port`, `[v6addr]:port`, `web[01:03]:2222`; a bare IPv6 address (several colons) has no port. */
export function splitPort(pattern: string): { name: string; port?: string } {
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(pattern);
  if (bracketed) return { name: bracketed[1] ?? '', ...(bracketed[2] ? { port: bracketed[2] } : {}) };
  const outside = pattern.replace(/\[[^\]]*\]/g, '');
  const withPort = /^(.*):(\d+)$/.exec(pattern);
  if (withPort && (outside.match(/:/g) ?? []).length === 1) return { name: withPort[1] ?? '', port: withPort[2] ?? '' };
  return { name: pattern };
}

/**
 * Words as Python's `shlex.split(line, comments=True)` makes them, which
 * Ansible uses: blanks separate, quotes group and are removed, a backslash
 * escapes outside single quotes, and `#` outside quotes ends the line.
 */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (char === "'" || char === '"') {
      const end = quotedEnd(text, i);
      word += unescapeQuoted(text.slice(i + 1, end), char);
      inWord = true;
      i = end;
    } else if (char === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (char === '#') break;
    else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function quotedEnd(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

function unescapeQuoted(inner: string, quote: string): string {
  return quote === '"' ? inner.replace(/\\(["\\$`\n])/g, '$1') : inner;
}

/** A value as Ansible's INI reader keeps it: a quoted literal loses its quotes; anything else stays as written. */
function iniValue(value: string): string {
  const quoted = /^(["'])(.*)\1$/s.exec(value);
  return quoted ? (quoted[2] ?? '') : value;
}
