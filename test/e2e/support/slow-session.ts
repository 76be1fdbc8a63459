/**
 * A long request held open on one chosen server through HAProxy's frontend,
 * so draining that server has a session to wait for: the way to hold a run
 * inside a drain for as long as a test needs, without any sleep in the run.
 * A client hanging up does not end HAProxy's server-side session, so the
 * hold is released the operator's way: `shutdown sessions server`.
 */
import { httpGet, parseShowStat } from '../../fleet/fleet.js';
import type { Fleet } from '../../fleet/fleet.js';
import { waitFor } from '../../fleet/wait.js';

/** HAProxy's current session count of each server (scur), read around Lieutenant. */
export async function sessions(fleet: Fleet): Promise<Record<string, number>> {
  const rows = parseShowStat(await fleet.haproxyCommand('show stat'));
  const servers = rows.filter(
    (row) => row.pxname === fleet.haproxy.backend && row.svname !== 'FRONTEND' && row.svname !== 'BACKEND',
  );
  return Object.fromEntries(servers.map((row) => [row.svname ?? '', Number(row.scur ?? 0)]));
}

export interface HeldSession {
  /** Ends the slow requests' sessions — on every server of the backend, so only with no other traffic running — and waits until they are gone. */
  release(): Promise<void>;
}

/** Sends `/slow` requests through the frontend (round robin spreads them) until `server` holds one. */
export async function holdSession(fleet: Fleet, server: string, ms = 60_000): Promise<HeldSession> {
  const requests: Array<Promise<unknown>> = [];
  await waitFor(
    async () => {
      if (((await sessions(fleet))[server] ?? 0) > 0) return true;
      // Their answers do not matter (release cuts them); never an unhandled rejection.
      requests.push(httpGet(`${fleet.haproxy.frontendUrl}/slow?ms=${ms}`, ms + 15_000).catch(() => undefined));
      return false;
    },
    { what: `a slow request on ${server}`, timeoutMs: 10_000, intervalMs: 100 },
  );
  return {
    async release() {
      await fleet.haproxyCommand(`shutdown sessions server ${fleet.haproxy.backend}/${server}`);
      await waitFor(async () => (await sessions(fleet))[server] === 0, {
        what: `no session left on ${server}`,
        timeoutMs: 10_000,
      });
      // Requests that landed elsewhere are cut too, so none outlives the test.
      for (const other of Object.keys(await sessions(fleet)))
        await fleet.haproxyCommand(`shutdown sessions server ${fleet.haproxy.backend}/${other}`);
      await Promise.all(requests);
    },
  };
}
