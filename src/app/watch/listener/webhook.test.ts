import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signBody, startWebhookServer } from './webhook.js';
import type { PushNotice, WebhookServer } from './webhook.js';

const SECRET = 'correct horse battery staple';
const AFTER = 'a'.repeat(40);
const pushBody = JSON.stringify({ ref: 'refs/heads/main', after: AFTER, repository: { full_name: 'ops/rollouts' } });

describe('startWebhookServer', () => {
  let server: WebhookServer;
  let pushes: PushNotice[];

  beforeEach(async () => {
    pushes = [];
    server = await startWebhookServer({
      host: '127.0.0.1',
      port: 0,
      secret: `${SECRET}\n`, // as read from a file: trimmed
      onPush: (push) => pushes.push(push),
      maxBodyBytes: 4096,
    });
  });
  afterEach(() => server.close());

  const deliver = (body: string, headers: Record<string, string>) =>
    fetch(server.address, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
  const signedPush = (deliveryId: string, body = pushBody) =>
    deliver(body, {
      'X-GitHub-Event': 'push',
      'X-GitHub-Delivery': deliveryId,
      'X-Hub-Signature-256': signBody(SECRET, body),
    });

  it('calls onPush for a correctly signed push', async () => {
    const res = await signedPush('d-1');

    expect(res.status).toBe(202);
    expect(pushes).toEqual([{ deliveryId: 'd-1', ref: 'refs/heads/main', after: AFTER, repository: 'ops/rollouts' }]);
  });

  it.each([
    ['missing', undefined],
    ['signed with another secret', signBody('not the secret', pushBody)],
    ['of another body', signBody(SECRET, `${pushBody} `)],
    ['malformed', 'sha256=zz'],
    ['sha1', 'sha1=0123456789abcdef0123456789abcdef01234567'],
  ])('refuses a push whose signature is %s with 401, running nothing', async (_what, signature) => {
    const headers: Record<string, string> = { 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': 'd-2' };
    if (signature !== undefined) headers['X-Hub-Signature-256'] = signature;

    const res = await deliver(pushBody, headers);

    expect(res.status).toBe(401);
    expect(pushes).toEqual([]);
  });

  it('ignores a repeated delivery id', async () => {
    expect((await signedPush('d-3')).status).toBe(202);

    const again = await signedPush('d-3');

    expect(again.status).toBe(200);
    expect(await again.text()).toBe('duplicate delivery\n');
    expect(pushes).toHaveLength(1);
    // while a new delivery still runs
    expect((await signedPush('d-4')).status).toBe(202);
    expect(pushes.map((p) => p.deliveryId)).toEqual(['d-3', 'd-4']);
  });

  it('answers ping with 200 and ignores other events with 202', async () => {
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const pong = await deliver(ping, {
      'X-GitHub-Event': 'ping',
      'X-GitHub-Delivery': 'p',
      'X-Hub-Signature-256': signBody(SECRET, ping),
    });
    expect(pong.status).toBe(200);

    const issue = JSON.stringify({ action: 'opened' });
    const res = await deliver(issue, {
      'X-GitHub-Event': 'issues',
      'X-GitHub-Delivery': 'i',
      'X-Hub-Signature-256': signBody(SECRET, issue),
    });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('ignored issues event\n');
    expect(pushes).toEqual([]);
  });

  it('accepts the form-encoded payload GitHub can send', async () => {
    const body = new URLSearchParams({ payload: pushBody }).toString();
    const res = await deliver(body, {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-GitHub-Event': 'push',
      'X-GitHub-Delivery': 'f-1',
      'X-Hub-Signature-256': signBody(SECRET, body),
    });
    expect(res.status).toBe(202);
    expect(pushes[0]?.after).toBe(AFTER);
  });

  it('refuses a signed push without ref and after', async () => {
    const res = await signedPush('bad', JSON.stringify({ ref: 'refs/heads/main' }));
    expect(res.status).toBe(400);
    expect(pushes).toEqual([]);
  });

  it('refuses bodies over the limit with 413 and other methods with 405', async () => {
    const big = JSON.stringify({ ref: 'refs/heads/main', after: AFTER, padding: 'x'.repeat(5000) });
    expect((await signedPush('big', big)).status).toBe(413);
    expect((await fetch(server.address)).status).toBe(405);
    expect(pushes).toEqual([]);
  });

  it('refuses a streamed body (no Content-Length) once it passes the limit', async () => {
    // Given a sender streaming chunks with no declared length
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(server.address, {
        method: 'POST',
        headers: { 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': 's' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 8; i += 1) req.write('x'.repeat(1000));
      req.end();
    });
    expect(status).toBe(413);
    expect(pushes).toEqual([]);
  });

  it('refuses to start without a secret', async () => {
    await expect(
      startWebhookServer({ host: '127.0.0.1', port: 0, secret: ' \n', onPush: () => undefined }),
    ).rejects.toThrow('the webhook secret is empty');
  });
});
