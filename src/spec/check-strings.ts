/**
 * The strings of a group's health checks that may carry templates
 * ({{host.address}}, {{packages.demo}}), with their paths in the inventory.
 */
import type { GroupSpec } from './schema.js';
import type { PathSegment } from './yaml-source.js';

export interface CheckString {
  path: PathSegment[];
  text: string;
}

export function checkStrings(groupName: string, group: GroupSpec): CheckString[] {
  const strings: CheckString[] = [];
  group.health.forEach((check, index) => {
    const base = ['groups', groupName, 'health', index];
    if (check.http) {
      strings.push({ path: [...base, 'http', 'url'], text: check.http.url });
      if (check.http.bodyContains !== undefined)
        strings.push({ path: [...base, 'http', 'bodyContains'], text: check.http.bodyContains });
    }
    if (check.command) {
      check.command.argv.forEach((arg, argIndex) =>
        strings.push({ path: [...base, 'command', 'argv', argIndex], text: arg }),
      );
      if (check.command.stdoutContains !== undefined) {
        strings.push({ path: [...base, 'command', 'stdoutContains'], text: check.command.stdoutContains });
      }
    }
  });
  return strings;
}
