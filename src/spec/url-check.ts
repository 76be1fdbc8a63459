/**
 * An http check's URL must be a URL for every host once its templates are
 * filled in — found by `validate`, not after the host was drained and
 * upgraded. The inventory alone knows the hosts; the playbook knows the
 * versions, so each side checks with what it has (versions stand in as "0").
 */
import { dialledAddress } from './addresses.js';
import type { HostSpec } from './schema.js';
import { renderTemplate, templateUses } from './templates.js';

export interface BadUrl {
  host: string;
  rendered: string;
  reason: string;
}

/** The first host for which `url` does not become a valid http(s) URL, or undefined. */
export function badRenderedUrl(
  url: string,
  hosts: Readonly<Record<string, HostSpec>>,
  packages: Readonly<Record<string, string>> | undefined,
): BadUrl | undefined {
  const uses = templateUses(url);
  if (uses.some((use) => use.reference.kind === 'invalid')) return undefined; // reported as an unknown template
  const versions = packages ?? Object.fromEntries(packageNames(url).map((name) => [name, '0']));
  const perHost = uses.some((use) => use.reference.kind === 'host');
  const entries = Object.entries(hosts);
  for (const [name, host] of perHost ? entries : entries.slice(0, 1)) {
    const rendered = renderTemplate(url, { host: { name, address: dialledAddress(host.address) }, packages: versions });
    // The common case, valid, costs one parse; the reason is worked out only for the one reported.
    if (URL.canParse(rendered) && /^https?:/.test(rendered) && !/^https?:\/\/[^/]*:0(\/|$)/.test(rendered)) continue;
    const reason = urlProblem(rendered, url);
    if (reason !== undefined) return { host: name, rendered, reason };
  }
  return undefined;
}

function packageNames(url: string): string[] {
  return templateUses(url).flatMap((use) => (use.reference.kind === 'package' ? [use.reference.name] : []));
}

function urlProblem(rendered: string, written: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(rendered);
  } catch {
    const port = /^https?:\/\/(?:\[[^\]]*\]|[^/:]*):(\d+)/.exec(rendered)?.[1];
    if (port !== undefined && Number(port) > 65535) return `port ${port} is out of range (1 to 65535)`;
    if (/^https?:\/\/\{\{\s*host\.address\s*\}\}/.test(written) && /^https?:\/\/[0-9a-f]*:[0-9a-f]*:/i.test(rendered))
      return 'an IPv6 address in a URL needs brackets: write [{{host.address}}]';
    return 'not a valid URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'not an http:// or https:// URL';
  if (parsed.port === '0') return 'port 0 is out of range (1 to 65535)';
  return undefined;
}
