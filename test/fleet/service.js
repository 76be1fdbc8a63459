// The demo application on each fleet host, listening on ADDRESS:8080.
// It reads /opt/demo (the installed `demo` package) on every request, so an
// upgrade or downgrade shows at once without a restart:
//   GET /health        200 "demo 1.1 ok"; 500 when the installed release is
//                      broken (/opt/demo/BROKEN) or demo is not installed
//   GET /              200 "web-01 demo 1.1" (500 when broken)
//   GET /slow?ms=N     answers after N ms: a long request to watch a drain wait on
// Its body never contains the host address: "127.0.1.11" would contain "1.1"
// and fool a `bodyContains: "1.1"` check.
// Usage: node service.js ADDRESS HOST_HOME (HOST_HOME only marks the process as this fleet's).
/* global process, console, URL, setTimeout -- plain Node script, outside the TypeScript build */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { hostname } from 'node:os';

const [address = '127.0.0.1'] = process.argv.slice(2);
const port = 8080;

function installedDemo() {
  try {
    const version = readFileSync('/opt/demo/VERSION', 'utf8').trim();
    return { version, broken: existsSync('/opt/demo/BROKEN') };
  } catch {
    return undefined;
  }
}

const server = createServer((request, response) => {
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
    if (!demo) return reply(500, `${hostname()} has no demo installed`);
    return reply(demo.broken ? 500 : 200, `${hostname()} demo ${demo.version}`);
  }
  if (url.pathname === '/slow') {
    const ms = Math.min(Number(url.searchParams.get('ms') ?? 1000) || 0, 120_000);
    setTimeout(() => reply(200, `${hostname()} demo ${demo?.version ?? 'none'} after ${ms} ms`), ms);
    return;
  }
  reply(404, 'not found');
});

server.listen(port, address, () => console.log(`${hostname()} service listening on ${address}:${port}`));
process.on('SIGTERM', () => process.exit(0));
