/**
 * Rules the schema cannot express, within one inventory: the file name,
 * unique hosts, addresses and load-balancer server names, load balancers
 * that exist, and health-check templates that name something real.
 */
import { addressKey } from './addresses.js';
import { checkStrings } from './check-strings.js';
import { specError, type SpecError } from './errors.js';
import type { InventorySpec } from './schema.js';
import type { ValidFile } from './spec-file.js';
import { didYouMean, listOf } from './suggest.js';
import { templateUses } from './templates.js';
import { badRenderedUrl, type BadUrl } from './url-check.js';
import { formatPath } from './issue-messages.js';
import type { PathSegment } from './yaml-source.js';

export function inventoryRules(inventory: ValidFile<InventorySpec>): SpecError[] {
  return [
    ...environmentName(inventory),
    ...uniqueHosts(inventory),
    ...loadBalancerRefs(inventory),
    ...templateRefs(inventory),
    ...healthUrls(inventory),
  ];
}

/** Every http check's URL, filled in for every host of its group, is a URL (versions stand in as "0"). */
function healthUrls({ file, yaml, spec }: ValidFile<InventorySpec>): SpecError[] {
  return Object.entries(spec.groups).flatMap(([groupName, group]) =>
    group.health.flatMap((check, index) => {
      const bad = check.http && badRenderedUrl(check.http.url, group.hosts, undefined);
      if (!bad) return [];
      const path = ['groups', groupName, 'health', index, 'http', 'url'];
      return [specError(file, badUrlMessage(path, bad), yaml.at(path))];
    }),
  );
}

export function badUrlMessage(path: readonly PathSegment[], bad: BadUrl): string {
  return `${formatPath(path)}: for host "${bad.host}" it becomes ${JSON.stringify(bad.rendered)}: ${bad.reason}`;
}

function environmentName({ file, stem, yaml, spec }: ValidFile<InventorySpec>): SpecError[] {
  if (spec.environment === stem) return [];
  return [
    specError(
      file,
      `environment "${spec.environment}" does not match the file name: ${file} must say environment: ${stem} (or be renamed to inventories/${spec.environment}.yaml)`,
      yaml.at(['environment']),
    ),
  ];
}

function uniqueHosts({ file, yaml, spec }: ValidFile<InventorySpec>): SpecError[] {
  const errors: SpecError[] = [];
  const names = new Map<string, string>();
  const addresses = new Map<string, { host: string; written: string }>();
  const servers = new Map<string, string>(); // `${lb}\0${server}` → host
  for (const [groupName, group] of Object.entries(spec.groups)) {
    const balancers = group.loadBalancer === undefined ? [] : [group.loadBalancer].flat();
    for (const [hostName, host] of Object.entries(group.hosts)) {
      const path = ['groups', groupName, 'hosts', hostName];
      const sameName = names.get(hostName);
      if (sameName !== undefined)
        errors.push(
          specError(
            file,
            `host "${hostName}" is already in group "${sameName}": host names must be unique across the inventory`,
            yaml.at(path, 'key'),
          ),
        );
      names.set(hostName, groupName);
      // `::1` and `[::1]`, `Web.example.com` and `web.example.com.` are one machine.
      const key = addressKey(host.address);
      const same = addresses.get(key);
      if (same !== undefined) {
        const spelt = same.written === host.address ? '' : ` (as ${same.written})`;
        errors.push(
          specError(
            file,
            `address ${host.address} is already used by host "${same.host}"${spelt}: each host needs its own address`,
            yaml.at([...path, 'address']),
          ),
        );
      } else addresses.set(key, { host: hostName, written: host.address });
      const server = host.lbServer ?? hostName;
      for (const balancer of balancers) {
        const other = servers.get(`${balancer}\0${server}`);
        if (other !== undefined) {
          const where = host.lbServer === undefined ? yaml.at(path, 'key') : yaml.at([...path, 'lbServer']);
          errors.push(
            specError(
              file,
              `server "${server}" of load balancer "${balancer}" is already host "${other}": set a distinct lbServer`,
              where,
            ),
          );
        }
        servers.set(`${balancer}\0${server}`, hostName);
      }
    }
  }
  return errors;
}

function loadBalancerRefs({ file, yaml, spec }: ValidFile<InventorySpec>): SpecError[] {
  const known = Object.keys(spec.loadBalancers);
  const errors: SpecError[] = [];
  for (const [groupName, group] of Object.entries(spec.groups)) {
    if (group.loadBalancer === undefined) continue;
    const isList = Array.isArray(group.loadBalancer);
    [group.loadBalancer].flat().forEach((name, index) => {
      if (known.includes(name)) return;
      const path = isList ? ['groups', groupName, 'loadBalancer', index] : ['groups', groupName, 'loadBalancer'];
      errors.push(
        specError(
          file,
          `group "${groupName}" uses load balancer "${name}", which loadBalancers does not define${didYouMean(name, known)}; defined: ${listOf(known)}`,
          yaml.at(path),
        ),
      );
    });
  }
  for (const [name, balancer] of Object.entries(spec.loadBalancers)) {
    const port = /^(?:tcp:\/\/.*|ssh:\/\/[^/]*):(\d+)(?:\/.*)?$/.exec(balancer.socket)?.[1];
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
      errors.push(
        specError(
          file,
          `loadBalancers.${name}.socket: port ${port} is out of range (1 to 65535)`,
          yaml.at(['loadBalancers', name, 'socket']),
        ),
      );
    }
  }
  return errors;
}

const HOST_FIELDS = ['host.address', 'host.name'];

function templateRefs({ file, yaml, spec }: ValidFile<InventorySpec>): SpecError[] {
  const errors: SpecError[] = [];
  for (const [groupName, group] of Object.entries(spec.groups)) {
    for (const { path, text } of checkStrings(groupName, group)) {
      for (const use of templateUses(text)) {
        if (use.reference.kind !== 'invalid' && use.reference.kind !== 'run') continue;
        const written = templateText(text, use.offset);
        const inner = use.reference.kind === 'run' ? use.reference.field : use.reference.text;
        const hint =
          use.reference.kind === 'run'
            ? `: a health check is the same whichever run asks it; ${written} is for a playbook's steps`
            : inner.startsWith('packages.')
              ? `: "${inner.slice('packages.'.length)}" is not a package name (letters, digits and "+ - . _", starting with a letter or digit)`
              : `${didYouMean(inner, HOST_FIELDS)}; templates may be {{host.address}}, {{host.name}} or {{packages.NAME}}`;
        errors.push(specError(file, `unknown template ${written}${hint}`, yaml.within(path, written)));
      }
      const leftover = text.replace(/\{\{[^}]*\}\}/g, '');
      if (leftover.includes('{{') || leftover.includes('}}')) {
        errors.push(
          specError(
            file,
            `unclosed template in ${JSON.stringify(text)}: write {{host.address}}, {{host.name}} or {{packages.NAME}}`,
            yaml.at(path),
          ),
        );
      }
    }
  }
  return errors;
}

/** The template exactly as written at `offset`, `{{ … }}` included. */
export function templateText(text: string, offset: number): string {
  return /^\{\{[^}]*\}\}/.exec(text.slice(offset))?.[0] ?? '{{';
}
