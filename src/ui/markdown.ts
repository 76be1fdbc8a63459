/**
 * Markdown for pull-request comments. Names and versions are validated specs,
 * but a commit subject is anyone's text: every value is escaped so it shows
 * as written and can neither close a table cell nor start a link or an HTML tag.
 */
import { printable } from '../spec/errors.js';

const SPECIAL = /[\\`*_{}[\]()<>#+|!~]/g;

/** Control characters (a terminal escape in a subject) shown as `\x1b`, then markdown's own characters escaped. */
export const markdownText = (text: string): string => printable(text).replace(SPECIAL, (c) => `\\${c}`);

export const markdownCode = (text: string): string => `<code>${markdownText(text)}</code>`;

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

/** A list that folds away behind a summary when it is longer than `shown`. */
export function markdownFolded(items: readonly string[], shown: number, summary: string): string {
  if (items.length <= shown) return items.join(', ');
  return `<details><summary>${summary}</summary>\n\n${items.join(', ')}\n\n</details>`;
}
