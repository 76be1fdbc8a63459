/**
 * A record from the remote that Lieutenant refused to act on: what it was,
 * the commit it named, and why. Commands report it, and the watcher logs it;
 * the record itself is never adopted.
 */
import { printable } from '../../spec/errors.js';
import { shortSha } from '../../core/sha.js';

export interface IgnoredRecord {
  /** The ref it came under: refs/lieutenant/deployed/staging/web. */
  ref: string;
  /** The commit it named, when it named one. */
  commit?: string;
  reason: string;
}

/** `ignored record refs/lieutenant/deployed/staging/web → 1a2b3c4: not on main`. */
export function describeIgnored(record: IgnoredRecord): string {
  const commit = record.commit === undefined ? '' : ` → ${printable(shortSha(record.commit))}`;
  return `ignored record ${printable(record.ref)}${commit}: ${printable(record.reason)}`;
}

export const notOnBranch = (branch: string): string => `not on ${branch}`;
