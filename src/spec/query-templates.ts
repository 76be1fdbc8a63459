/**
 * Templates in a Prometheus query: `{{batch.addresses}}`, `{{batch.hosts}}`
 * and `{{group}}`. Addresses and hosts become a regex alternation, every
 * character escaped, for a `=~` matcher; the escaping also fits the string
 * the template sits in (a backslash is doubled inside "…" and '…', not in
 * `…`), so a host name can never end a string or change the query.
 */
import { TEMPLATE } from './templates.js';

export const QUERY_REFERENCES = ['batch.addresses', 'batch.hosts', 'group'] as const;
export type QueryReference = (typeof QUERY_REFERENCES)[number];

export interface QueryTemplateUse {
  /** undefined: not one of QUERY_REFERENCES. */
  reference: QueryReference | undefined;
  text: string;
  /** Offset of `{{` in the query. */
  offset: number;
}

export function queryTemplateUses(query: string): QueryTemplateUse[] {
  return [...query.matchAll(TEMPLATE)].map((match) => {
    const inner = (match[1] ?? '').trim();
    const reference = (QUERY_REFERENCES as readonly string[]).includes(inner) ? (inner as QueryReference) : undefined;
    return { reference, text: match[0], offset: match.index ?? 0 };
  });
}

export interface QueryContext {
  addresses: readonly string[];
  hosts: readonly string[];
  group: string;
}

/** RE2 (Prometheus) metacharacters, escaped with a backslash. */
export const escapeRegex = (text: string): string => text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');

/**
 * `(?:127\.0\.1\.11|127\.0\.1\.12)(?::[0-9]+)?` — an address alone or with
 * the port Prometheus puts in `instance` by default.
 */
export function addressAlternation(addresses: readonly string[]): string {
  return `(?:${addresses.map(escapeRegex).join('|')})(?::[0-9]+)?`;
}

export const hostAlternation = (hosts: readonly string[]): string => `(?:${hosts.map(escapeRegex).join('|')})`;

type Quote = '"' | "'" | '`' | undefined;

/** Which string literal, if any, is open at each template of the query (PromQL: "…", '…' with escapes, `…` raw). */
function quoteAt(query: string, offset: number): Quote {
  let open: Quote;
  for (let i = 0; i < offset; i++) {
    const char = query[i];
    if (open === undefined) {
      if (char === '"' || char === "'" || char === '`') open = char;
    } else if (char === '\\' && open !== '`') i++;
    else if (char === open) open = undefined;
  }
  return open;
}

function forString(text: string, quote: Quote): string {
  if (quote === '"' || quote === "'") return text.replace(/\\/g, '\\\\').replaceAll(quote, `\\${quote}`);
  return text;
}

export function renderQuery(query: string, context: QueryContext): string {
  let rendered = '';
  let last = 0;
  for (const use of queryTemplateUses(query)) {
    rendered += query.slice(last, use.offset);
    last = use.offset + use.text.length;
    if (use.reference === undefined) {
      rendered += use.text; // validation refuses these; never reached for a valid spec
      continue;
    }
    const value =
      use.reference === 'batch.addresses'
        ? addressAlternation(context.addresses)
        : use.reference === 'batch.hosts'
          ? hostAlternation(context.hosts)
          : context.group;
    rendered += forString(value, quoteAt(query, use.offset));
  }
  return rendered + query.slice(last);
}
