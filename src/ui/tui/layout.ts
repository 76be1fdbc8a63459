/**
 * What of the batches fits on screen. Finished batches fold into lines of
 * counts, pending ones into one line, and the batch being worked on (or the
 * one that failed, or the one asked for with [d]) shows its hosts — the ones
 * working or failed first — cut to the lines left. A filter (the `/` key)
 * replaces all that with the hosts whose name, group or state contains it.
 * Pure, so the 1,000-host case is tested without a terminal.
 */
import {
  emptyCounts,
  WORKING_STATES,
  type BatchView,
  type HostView,
  type RunView,
  type StateCounts,
} from '../run-view.js';
import { STATE_LABEL } from './symbols.js';

export type BatchItem =
  | { kind: 'folded'; from: number; to: number; batches: number; group: string; counts: StateCounts; failed: boolean }
  | { kind: 'expanded'; batch: BatchView; hosts: HostView[]; hidden: number }
  | { kind: 'pending'; from: number; to: number; batches: number; hosts: number }
  | { kind: 'filtered'; filter: string; hosts: HostView[]; matches: number };

const MAX_SEPARATE_FOLDED = 3;

/** Host order when not all fit: what needs eyes first. */
const PRIORITY: Record<HostView['state'], number> = {
  failed: 0,
  'rolling-back': 1,
  draining: 2,
  upgrading: 2,
  checking: 2,
  returning: 2,
  'rolled-back': 3,
  waiting: 4,
  done: 5,
  unchanged: 6,
};

const NEEDS_EYES = PRIORITY['rolled-back'];

export function layoutBatches(view: RunView, lines: number, focus?: number, filter?: string): BatchItem[] {
  if (filter !== undefined && filter !== '') return [filtered(view, filter, lines)];
  const expandedIndex = focus ?? view.activeBatch ?? lastFailed(view);
  const expanded = view.batches.find((batch) => batch.index === expandedIndex);
  const finished = view.batches.filter(
    (batch) => (batch.status === 'done' || batch.status === 'failed') && batch !== expanded,
  );
  const pending = view.batches.filter((batch) => batch.status === 'pending' && batch !== expanded);

  const items: BatchItem[] = [];
  if (finished.length <= MAX_SEPARATE_FOLDED) {
    for (const batch of finished) items.push(folded([batch]));
  } else {
    items.push(folded(finished));
  }
  const pendingItem: BatchItem | undefined =
    pending.length === 0
      ? undefined
      : {
          kind: 'pending',
          from: pending[0]?.index ?? 0,
          to: pending[pending.length - 1]?.index ?? 0,
          batches: pending[0]?.batches ?? 0,
          hosts: pending.reduce((sum, b) => sum + b.hosts.length, 0),
        };

  if (expanded !== undefined) {
    // Lines left for host rows: minus the folded and pending lines, the batch's own line, and a "+N more" line.
    const room = Math.max(1, lines - items.length - (pendingItem ? 1 : 0) - 1);
    items.push(expand(view, expanded, room));
  }
  if (pendingItem !== undefined) items.push(pendingItem);
  return items;
}

function lastFailed(view: RunView): number | undefined {
  for (let i = view.batches.length - 1; i >= 0; i--)
    if (view.batches[i]?.status === 'failed') return view.batches[i]?.index;
  return undefined;
}

function folded(batches: BatchView[]): BatchItem {
  const counts = emptyCounts();
  for (const batch of batches)
    for (const [state, count] of Object.entries(batch.counts)) counts[state as keyof StateCounts] += count;
  const groups = [...new Set(batches.map((b) => b.group))];
  return {
    kind: 'folded',
    from: batches[0]?.index ?? 0,
    to: batches[batches.length - 1]?.index ?? 0,
    batches: batches[0]?.batches ?? 0,
    group: groups.join(', '),
    counts,
    failed: batches.some((b) => b.status === 'failed'),
  };
}

function expand(view: RunView, batch: BatchView, room: number): BatchItem {
  const hosts: HostView[] = [];
  for (const name of batch.hosts) {
    const host = view.hosts.get(name);
    if (host !== undefined) hosts.push(host);
  }
  if (hosts.length <= room) return { kind: 'expanded', batch, hosts, hidden: 0 };
  // Too many to list: only the hosts that need eyes (working, failed, rolled back); the batch line counts the rest.
  const shown = Math.max(1, room - 1);
  const ordered = hosts
    .map((host, order) => ({ host, order }))
    .filter(({ host }) => PRIORITY[host.state] <= NEEDS_EYES)
    .sort((a, b) => PRIORITY[a.host.state] - PRIORITY[b.host.state] || a.order - b.order)
    .slice(0, shown)
    .map(({ host }) => host);
  return { kind: 'expanded', batch, hosts: ordered, hidden: hosts.length - ordered.length };
}

export const isWorking = (host: HostView): boolean => WORKING_STATES.has(host.state);

/** Every host matching the filter, those that need eyes first, cut to the lines left (one is the heading). */
function filtered(view: RunView, filter: string, lines: number): BatchItem {
  const wanted = filter.toLowerCase();
  const matching: { host: HostView; order: number }[] = [];
  let order = 0;
  for (const host of view.hosts.values()) {
    order += 1;
    const words = `${host.name}\n${host.group}\n${STATE_LABEL[host.state]}`.toLowerCase();
    if (words.includes(wanted)) matching.push({ host, order });
  }
  const room = Math.max(1, lines - 2); // the heading, and a "+N more" line
  const hosts = matching
    .sort((a, b) => PRIORITY[a.host.state] - PRIORITY[b.host.state] || a.order - b.order)
    .slice(0, matching.length <= room + 1 ? room + 1 : room)
    .map(({ host }) => host);
  return { kind: 'filtered', filter, hosts, matches: matching.length };
}
