/** `lieutenant history` as a table: one row per run, its gate answers and the hosts it left out below it. */
import type { HistoryEntry } from '../app/history-service.js';
import { formatElapsed, shortSha } from './format.js';

const HEADINGS = ['STARTED', 'WHERE', 'COMMIT', 'SUBJECT', 'OPERATOR', 'DURATION', 'RESULT'] as const;
const SUBJECT_WIDTH = 40;

/** A table, one row per run, with its gate answers indented below it. */
export function formatHistory(entries: readonly HistoryEntry[], timeZone?: string): string {
  const rows = entries.map((entry) => [
    formatStart(entry.startedAt, timeZone),
    `${entry.environment}/${entry.rollout}`,
    shortSha(entry.commit.sha),
    truncate(entry.commit.subject, SUBJECT_WIDTH),
    entry.operator,
    entry.durationMs === undefined ? '-' : formatElapsed(entry.durationMs),
    resultText(entry),
  ]);
  const widths = HEADINGS.map((heading, column) =>
    Math.max(heading.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();

  const out = [line(HEADINGS)];
  entries.forEach((entry, index) => {
    out.push(line(rows[index] ?? []));
    for (const analysis of entry.analyses) {
      const metrics = analysis.metrics
        .map((m) => `${m.name} ${m.verdict} (${m.pass} pass, ${m.fail} fail, ${m.inconclusive} inconclusive)`)
        .join('; ');
      out.push(`    analysis after batch ${analysis.afterBatch}: ${analysis.verdict} — ${metrics}`);
    }
    for (const approval of entry.approvals) {
      const verb = approval.decision === 'approve' ? 'approved' : approval.decision === 'abort' ? 'aborted' : 'halted';
      const reason = approval.reason === undefined ? '' : `: ${approval.reason}`;
      const when =
        approval.during === undefined ? `after batch ${approval.afterBatch}` : `during batch ${approval.during}`;
      out.push(`    ${verb} ${when} by ${approval.by}${reason}`);
    }
    if (entry.sync !== undefined) {
      const { sync } = entry;
      const reason = sync.reason === undefined ? '' : `: ${sync.reason}`;
      const detected =
        sync.detectedAt === undefined
          ? ''
          : ` (pending since ${sync.detectedAt}, detected by ${sync.detectedBy ?? '?'})`;
      out.push(`    synced by ${sync.appliedBy}${reason}${detected}`);
    }
    for (const host of entry.hostsOut) out.push(`    out of rotation: ${host.host} (${host.reason})`);
    for (const line of entry.damage ?? []) out.push(`    damaged: ${line}`);
  });
  return `${out.join('\n')}\n`;
}

function resultText(entry: HistoryEntry): string {
  if (entry.resumedBy !== undefined) return `${entry.result} (resumed by ${entry.resumedBy})`;
  if (entry.resumes !== undefined) return `${entry.result} (resumes ${entry.resumes})`;
  return entry.result;
}

/** `2025-01-02 10:00` in the machine's time zone (or the one given, for tests). */
function formatStart(iso: string, timeZone?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timeZone === undefined ? {} : { timeZone }),
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
