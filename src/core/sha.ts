/** A commit as people read it: the first 7 hex digits, as `git log --oneline` shows them. */
export const shortSha = (sha: string): string => sha.slice(0, 7);
