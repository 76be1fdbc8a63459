// The demo application on each fleet host, listening on ADDRESS:8080.
// It reads /opt/demo (the installed `demo` package) on every request, so an
// upgrade or downgrade shows at once without a restart:
//   GET /health        200 "demo 1.1 ok"; 500 when the installed release is
//                      broken (/opt/demo/BROKEN) or demo is not installed
//   GET /              200 "web-01 demo 1.1" (500 when broken)
//   GET /slow?ms=N     answers after N ms: a long request to watch a drain wait on
//   GET /metrics       Prometheus text: demo_requests_total{code} and the
//                      demo_request_seconds histogram of the answers to /,
//                      demo_info{version}
// Releases that pass /health but not a metric analysis: /opt/demo/ERROR_RATE
// (a share, e.g. 0.5) answers that share of / with 500, evenly spread (so does
// <fleet dir>/fault-error-rate, for every host: a fleet-wide problem);
// /opt/demo/DELAY_MS answers / that much later.
// Its body never contains the host address: "127.0.1.11" would contain "1.1"
// and fool a `bodyContains: "1.1"` check.
// Usage: node service.js ADDRESS HOST_HOME (HOST_HOME marks the process as this fleet's, and locates its fault file):
// one host's service, started inside the host's namespace by host-init.sh.
// Or: node service.js --shared FLEET_DIR/service-hosts.json — one process serving every host of a
// large fleet (JSON [{ name, address, pid, home }]): it reads host NAME's files through
// /proc/PID/root (PID: a process in the host's mount namespace, its sshd), so a fleet of 300 hosts
// costs one node process, not 300 (about 40 MiB each).
/* global process, console, URL, setTimeout -- plain Node script, outside the TypeScript build */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';

const port = 8080;

function numberIn(path) {
  try {
    return Number(readFileSync(path, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

// Answers to / since the service started, for /metrics (Prometheus counts are cumulative).
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * One host's demo service. `root` is where the host's files are seen from here: '' inside the host's
 * own namespace, /proc/PID/root from the shared service.
 */
function hostService({ name, root, home }) {
  // HOST_HOME is <fleet dir>/hosts/NAME: a fleet-wide fault (setFleetFault) sits in the fleet dir.
  const faultFile = home ? join(home, '..', '..', 'fault-error-rate') : undefined;
  const demoFile = (file) => `${root}/opt/demo/${file}`;
  const answered = { byCode: new Map(), buckets: BUCKETS.map(() => 0), count: 0, sum: 0 };
  let served = 0;

  function installedDemo() {
    try {
      const version = readFileSync(demoFile('VERSION'), 'utf8').trim();
      return {
        version,
        broken: existsSync(demoFile('BROKEN')),
        errorRate: Math.max(numberIn(demoFile('ERROR_RATE')), faultFile ? numberIn(faultFile) : 0),
        delayMs: numberIn(demoFile('DELAY_MS')),
      };
    } catch {
      return undefined;
    }
  }

  function record(status, seconds) {
    answered.byCode.set(status, (answered.byCode.get(status) ?? 0) + 1);
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) answered.buckets[i] += 1;
    });
    answered.count += 1;
    answered.sum += seconds;
  }

  function metricsText(version) {
    const lines = [
      '# HELP demo_requests_total Answers to /, by HTTP status.',
      '# TYPE demo_requests_total counter',
      ...[...answered.byCode].map(([code, n]) => `demo_requests_total{code="${code}"} ${n}`),
      '# HELP demo_request_seconds Time to answer /.',
      '# TYPE demo_request_seconds histogram',
      ...BUCKETS.map((le, i) => `demo_request_seconds_bucket{le="${le}"} ${answered.buckets[i]}`),
      `demo_request_seconds_bucket{le="+Inf"} ${answered.count}`,
      `demo_request_seconds_sum ${answered.sum}`,
      `demo_request_seconds_count ${answered.count}`,
      '# HELP demo_info The installed demo release.',
      '# TYPE demo_info gauge',
      `demo_info{version="${version ?? 'none'}"} 1`,
    ];
    return `${lines.join('\n')}\n`;
  }

  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fleet');
    const demo = installedDemo();
    const reply = (status, text) => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${text}\n`);
    };
    if (url.pathname === '/health') {
      if (!demo) return reply(500, 'demo is not installed');
      if (demo.broken) return reply(500, `demo ${demo.version} broken`);
      return reply(200, `demo ${demo.version} ok`);
    }
    if (url.pathname === '/') {
      const started = process.hrtime.bigint();
      const answer = (status, text) => {
        record(status, Number(process.hrtime.bigint() - started) / 1e9);
        reply(status, text);
      };
      if (!demo) return answer(500, `${name} has no demo installed`);
      served += 1;
      // Evenly spread: request n errs when it crosses the next multiple of 1/errorRate.
      const errs = Math.floor(served * demo.errorRate) > Math.floor((served - 1) * demo.errorRate);
      const status = demo.broken || errs ? 500 : 200;
      const text = `${name} demo ${demo.version}${errs ? ' failed this request' : ''}`;
      if (demo.delayMs > 0) return void setTimeout(() => answer(status, text), demo.delayMs);
      return answer(status, text);
    }
    if (url.pathname === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      return response.end(metricsText(demo?.version));
    }
    if (url.pathname === '/slow') {
      const ms = Math.min(Number(url.searchParams.get('ms') ?? 1000) || 0, 120_000);
      setTimeout(() => reply(200, `${name} demo ${demo?.version ?? 'none'} after ${ms} ms`), ms);
      return;
    }
    reply(404, 'not found');
  };
}

const args = process.argv.slice(2);
const hosts =
  args[0] === '--shared'
    ? JSON.parse(readFileSync(args[1] ?? '', 'utf8')).map((host) => ({ ...host, root: `/proc/${host.pid}/root` }))
    : [{ name: hostname(), address: args[0] ?? '127.0.0.1', home: args[1], root: '' }];
let listening = 0;
for (const host of hosts) {
  createServer(hostService(host)).listen(port, host.address, () => {
    listening += 1;
    if (args[0] !== '--shared') console.log(`${host.name} service listening on ${host.address}:${port}`);
    else if (listening === hosts.length)
      console.log(`shared service listening for ${hosts.length} hosts on port ${port}`);
  });
}
process.on('SIGTERM', () => process.exit(0));
