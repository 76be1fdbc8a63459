import { get } from 'node:http';
import { connect } from 'node:net';

/** Connects to address:port and resolves with the first bytes the server sends (e.g. "SSH-2.0-…"). */
export function readBanner(address: string, port: number, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no banner from ${address}:${port}`)));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString('utf8'));
    });
    socket.once('error', reject);
  });
}

/** Whether anything accepts TCP connections on address:port. */
export function isListening(address: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * GET with a short timeout and `Connection: close`; throws on connection errors so
 * waitFor retries. Not fetch(): its pooled keep-alive connections would linger as
 * HAProxy sessions and hold up a drain.
 */
export function httpGet(url: string, timeoutMs = 2_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, headers: { connection: 'close' }, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}
