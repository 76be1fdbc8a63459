/**
 * Watches a load balancer host's HAProxy from inside that host while a run
 * goes on: one SSH session per LB host runs `show stat` through socat on the
 * admin socket every ~100 ms and prints it. What the test judges is what that
 * HAProxy really served, read by the system's ssh and socat — not by the
 * product's client, so the oracle does not share the code it judges.
 */
import { spawn } from 'node:child_process';
import { parseShowStat, sshArguments } from '../../fleet/fleet.js';
import type { Fleet } from '../../fleet/fleet.js';
import type { LbHost } from '../../fleet/lb-host.js';

export interface LbReport {
  /** Most of the watched servers seen not UP in one sample. */
  maxOut: number;
  /** Every watched server seen out (DRAIN, MAINT, DOWN…) at least once. */
  everOut: string[];
  samples: number;
}

const MARK = '=== sample';

export function sampleLbHost(fleet: Fleet, lb: LbHost, servers: readonly string[]): { stop(): Promise<LbReport> } {
  const script = `while :; do echo '${MARK}'; echo 'show stat' | socat -t 2 - UNIX-CONNECT:${lb.socketPath}; sleep 0.1; done`;
  const child = spawn('ssh', [...sshArguments(fleet), lb.address, script], { stdio: ['ignore', 'pipe', 'ignore'] });
  let buffer = '';
  let maxOut = 0;
  let samples = 0;
  const everOut = new Set<string>();
  const judge = (block: string) => {
    if (!block.includes('# pxname')) return;
    const rows = parseShowStat(block).filter((row) => row.pxname === 'app' && servers.includes(row.svname ?? ''));
    if (rows.length !== servers.length) return; // cut short: the next sample is whole
    samples++;
    const out = rows.filter((row) => row.status !== 'UP').map((row) => row.svname ?? '');
    out.forEach((server) => everOut.add(server));
    maxOut = Math.max(maxOut, out.length);
  };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const blocks = buffer.split(`${MARK}\n`);
    buffer = blocks.pop() ?? '';
    blocks.forEach(judge);
  });
  return {
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      return { maxOut, everOut: [...everOut].sort(), samples };
    },
  };
}
