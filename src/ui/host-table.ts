/**
 * A persistent (copy-on-write) table of rows keyed by name, cheap enough to
 * replace on every event of a 1,000-host run: rows live in fixed-size chunks,
 * so updating one copies its chunk and the chunk list (O(√n)), never the whole
 * table. The reducer stays pure and React sees a new value per change.
 */
const CHUNK = 64;

export interface HostTable<T> {
  readonly size: number;
  get(name: string): T | undefined;
  /** A new table with `name` set to `row`; this one is left as it was. */
  set(name: string, row: T): HostTable<T>;
  values(): IterableIterator<T>;
}

export function createHostTable<T>(rows: Iterable<[string, T]> = []): HostTable<T> {
  const index = new Map<string, number>();
  const chunks: T[][] = [];
  for (const [name, row] of rows) {
    if (index.has(name)) {
      const at = index.get(name) ?? 0;
      (chunks[Math.floor(at / CHUNK)] as T[])[at % CHUNK] = row;
      continue;
    }
    const at = index.size;
    index.set(name, at);
    if (at % CHUNK === 0) chunks.push([]);
    (chunks[chunks.length - 1] as T[]).push(row);
  }
  return table(index, chunks);
}

function table<T>(index: ReadonlyMap<string, number>, chunks: readonly (readonly T[])[]): HostTable<T> {
  return {
    size: index.size,
    get(name) {
      const at = index.get(name);
      return at === undefined ? undefined : chunks[Math.floor(at / CHUNK)]?.[at % CHUNK];
    },
    set(name, row) {
      const at = index.get(name);
      if (at === undefined) {
        // A host the plan did not name: rare, so copying the index is fine.
        const grown = new Map(index);
        const next = grown.size;
        grown.set(name, next);
        const last = chunks[chunks.length - 1];
        if (last === undefined || last.length === CHUNK) return table(grown, [...chunks, [row]]);
        return table(grown, [...chunks.slice(0, -1), [...last, row]]);
      }
      const c = Math.floor(at / CHUNK);
      const chunk = [...(chunks[c] ?? [])];
      chunk[at % CHUNK] = row;
      const nextChunks = [...chunks];
      nextChunks[c] = chunk;
      return table(index, nextChunks);
    },
    *values() {
      for (const chunk of chunks) yield* chunk;
    },
  };
}
