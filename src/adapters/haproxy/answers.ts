/**
 * Parsing the two answers the adapter reads:
 *
 * - `show stat BACKEND 4 -1`: CSV, header line `# pxname,svname,…`; gives each
 *   server's `status` (UP, DOWN, DRAIN, MAINT, "UP 1/3", NOLB, "no check"…)
 *   and `scur` (current sessions).
 * - `show servers state BACKEND`: a version line, a `# be_id be_name …` header,
 *   then space-separated rows; gives `srv_admin_state`, a bit field.
 *
 * Admin state comes from the bits, not from `status`: `status` shows the
 * operational state first (a drained server that fails its checks reads
 * "DOWN", not "DRAIN"), so it cannot tell drain from ready reliably.
 */
import type { AdminState } from '../../engine/index.js';

/** Splits one CSV line; HAProxy quotes a field (doubling quotes) when it holds a comma. */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

export type Row = Record<string, string>;

function rowsByHeader(lines: string[], headerIndex: number, split: (line: string) => string[]): Row[] {
  const header = split((lines[headerIndex] ?? '').replace(/^#\s*/, ''));
  return lines.slice(headerIndex + 1).map((line) => {
    const values = split(line);
    return Object.fromEntries(header.map((name, i) => [name, values[i] ?? '']));
  });
}

/** Rows of `show stat`, or undefined when the answer has no `# ` header (then it is an error message). */
export function parseShowStat(answer: string): Row[] | undefined {
  const lines = answer.split('\n').filter((line) => line.trim() !== '');
  const headerIndex = lines.findIndex((line) => line.startsWith('# '));
  if (headerIndex < 0) return undefined;
  return rowsByHeader(lines, headerIndex, splitCsvLine);
}

/** Rows of `show servers state`, or undefined when the answer has no `# ` header. */
export function parseServersState(answer: string): Row[] | undefined {
  const lines = answer.split('\n').filter((line) => line.trim() !== '');
  const headerIndex = lines.findIndex((line) => line.startsWith('# '));
  if (headerIndex < 0) return undefined;
  return rowsByHeader(lines, headerIndex, (line) => line.trim().split(/\s+/));
}

// srv_admin_state bits (HAProxy include/haproxy/server-t.h, SRV_ADMF_*).
const FORCED_MAINT = 0x01; // set server … state maint
const INHERITED_MAINT = 0x02; // tracks a server in maintenance
const CONFIG_MAINT = 0x04; // `disabled` in the configuration
const FORCED_DRAIN = 0x08; // set server … state drain
const INHERITED_DRAIN = 0x10;
const RESOLUTION_MAINT = 0x20; // DNS resolution failed
const HOSTNAME_MAINT = 0x40; // no address for its FQDN
const ANY_MAINT = FORCED_MAINT | INHERITED_MAINT | CONFIG_MAINT | RESOLUTION_MAINT | HOSTNAME_MAINT;
const ANY_DRAIN = FORCED_DRAIN | INHERITED_DRAIN;

/** Maintenance wins over drain: a server in both takes no traffic at all. */
export function adminStateFromBits(bits: number): AdminState {
  if (bits & ANY_MAINT) return 'maint';
  if (bits & ANY_DRAIN) return 'drain';
  return 'ready';
}

export interface ShowInfo {
  pid: number;
  uptimeSec: number;
  /** Start_time_sec (HAProxy ≥ 2.5); older ones only say how long ago. */
  startTimeSec: number | undefined;
  version: string;
}

/** `show info`: "Name: value" lines; undefined when there is no Pid (then it is an error message). */
export function parseShowInfo(answer: string): ShowInfo | undefined {
  const fields = new Map<string, string>();
  for (const line of answer.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const pid = Number(fields.get('Pid'));
  const uptimeSec = Number(fields.get('Uptime_sec'));
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isFinite(uptimeSec)) return undefined;
  const start = Number(fields.get('Start_time_sec'));
  return {
    pid,
    uptimeSec,
    startTimeSec: fields.has('Start_time_sec') && Number.isFinite(start) ? start : undefined,
    version: fields.get('Version') ?? '',
  };
}
