/**
 * Steady traffic through HAProxy's frontend while a run goes on, counting
 * every answer. Keep-alive is off on purpose: each request opens a new
 * connection and is load-balanced on its own, so every request samples the
 * rotation as it is at that moment — a server wrongly left in rotation while
 * its package is replaced shows up at once, instead of hiding behind a
 * connection that stayed on a healthy server. (It also leaves no idle
 * sessions behind to hold up a drain.)
 */
import { request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

export interface TrafficFailure {
  /** ms since the generator started. */
  at: number;
  reason: string;
}

export interface TrafficReport {
  ok: number;
  failed: number;
  /** The first few failures, with why (status and body, or the network error). */
  failures: TrafficFailure[];
  /** Every failure counted by kind: "HTTP 503", or the network error's code ("ECONNREFUSED", "timeout"). */
  failedBy: Record<string, number>;
  /** Answers per body ("web-03 demo 1.1"): which hosts and versions served. */
  servedBy: Record<string, number>;
}

export interface TrafficGenerator {
  stop(): Promise<TrafficReport>;
}

const KEEP_FAILURES = 5;

function get(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** `loops` concurrent request loops against `url` until stopped. */
export function startTraffic(url: string, { loops = 4, timeoutMs = 5_000, pauseMs = 5 } = {}): TrafficGenerator {
  const started = Date.now();
  const report: TrafficReport = { ok: 0, failed: 0, failures: [], failedBy: {}, servedBy: {} };
  let running = true;
  const fail = (reason: string, kind: string) => {
    report.failed += 1;
    report.failedBy[kind] = (report.failedBy[kind] ?? 0) + 1;
    if (report.failures.length < KEEP_FAILURES) report.failures.push({ at: Date.now() - started, reason });
  };

  const loop = async () => {
    while (running) {
      try {
        const answer = await get(url, timeoutMs);
        const body = answer.body.trim().slice(0, 80);
        if (answer.status === 200) {
          report.ok += 1;
          report.servedBy[body] = (report.servedBy[body] ?? 0) + 1;
        } else {
          fail(`HTTP ${answer.status}: ${body}`, `HTTP ${answer.status}`);
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        fail(
          (error as Error).message,
          code ?? ((error as Error).message.startsWith('timed out') ? 'timeout' : 'error'),
        );
      }
      // A breath between requests so 4 loops do not starve the run of the 2 cores.
      await delay(pauseMs);
    }
  };
  const all = Promise.all(Array.from({ length: loops }, loop));

  return {
    async stop() {
      running = false;
      await all;
      return report;
    },
  };
}
