/** Which CLI bin/lieutenant.js runs for the package at `root` (see cli-entry.js). */
export function cliEntry(root: string): { built: boolean; path: string };
