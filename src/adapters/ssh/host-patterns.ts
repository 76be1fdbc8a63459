/**
 * OpenSSH host patterns, shared by known_hosts and ssh_config: `*` and `?`
 * wildcards, and `!pattern` negation that vetoes the whole list.
 */

/** Compiled once per pattern: a fleet's worth of hosts is matched against the same few. */
const compiled = new Map<string, RegExp>();

export function matchesPattern(name: string, pattern: string): boolean {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    const source = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('');
    // OpenSSH compares host names case-insensitively.
    regex = new RegExp(`^${source}$`, 'i');
    if (compiled.size < 10_000) compiled.set(pattern, regex);
  }
  return regex.test(name);
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
