/**
 * OpenSSH host patterns, shared by known_hosts and ssh_config: `*` and `?`
 * wildcards, and `!pattern` negation that vetoes the whole list.
 */

export function matchesPattern(name: string, pattern: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  // OpenSSH compares host names case-insensitively.
  return new RegExp(`^${source}$`, 'i').test(name);
}

/** A comma- or space-separated pattern list matches a name when some positive pattern does and no negated one does. */
export function matchesPatternList(name: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (matchesPattern(name, pattern.slice(1))) return false;
    } else if (matchesPattern(name, pattern)) {
      matched = true;
    }
  }
  return matched;
}
