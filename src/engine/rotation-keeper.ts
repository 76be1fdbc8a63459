/**
 * Keeps out what the run took out. A load balancer that restarts or reloads
 * without a server-state file brings every server back `ready`: a host the
 * run believes drained would then take traffic during its upgrade and health
 * gate. So while a host is out, its admin state is checked on every load
 * balancer before each of its steps and on a short interval; a host found
 * `ready` is put in maint again at once, and the incident is journaled. A
 * changed process id or uptime (`show info`) means a restart: every held host
 * is checked at once.
 */
import type { Emit } from './emitter.js';
import type { Clock, LoadBalancer, LoadBalancerInfo } from './ports.js';

interface Held {
  server: string;
  lbs: readonly LoadBalancer[];
}

export class RotationKeeper {
  private readonly held = new Map<string, Held>();
  /** load balancer → the process it was last seen as. */
  private readonly seen = new Map<string, LoadBalancerInfo>();
  /** The check of each host in flight: one at a time, and `release` waits for it. */
  private readonly checking = new Map<string, Promise<unknown>>();
  private wakeOnHold: (() => void) | undefined;

  constructor(
    private readonly emit: Emit,
    private readonly clock: Clock,
  ) {}

  /** The host is out of rotation on these load balancers until `release`. */
  hold(host: string, server: string, lbs: readonly LoadBalancer[]): void {
    this.held.set(host, { server, lbs });
    this.wakeOnHold?.();
  }

  /**
   * The run is about to put the host back: stop keeping it out. Waits for a
   * check of the host in flight, so that no late `maint` lands after the
   * run's `ready` (the watcher's check could otherwise read the host ready
   * the moment it is returned, and take it out again).
   */
  async release(host: string): Promise<void> {
    this.held.delete(host);
    await this.checking.get(host);
    this.checking.delete(host);
  }

  /**
   * Before a step of a held host: wherever it is `ready` again, maint at once.
   * Returns false only when a load balancer cannot be read or set — the step
   * must not run on a host that may be serving. Checks of one host run one at
   * a time.
   */
  ensureOut(host: string, signal: AbortSignal): Promise<{ ok: true } | { ok: false; reason: string }> {
    const check = (this.checking.get(host) ?? Promise.resolve()).then(() => this.check(host, signal));
    this.checking.set(
      host,
      check.catch(() => undefined),
    );
    return check;
  }

  private async check(host: string, signal: AbortSignal): Promise<{ ok: true } | { ok: false; reason: string }> {
    const held = this.held.get(host);
    if (!held) return { ok: true };
    for (const lb of held.lbs) {
      const status = await lb.status(held.server, signal);
      if (!status.ok) return { ok: false, reason: `cannot check it is still out of rotation: ${status.error.message}` };
      // Released while we read: the run is returning it, and its ready is not a restart's.
      if (status.value.adminState !== 'ready' || !this.held.has(host)) continue;
      const set = await lb.setState(held.server, 'maint', signal);
      await this.emit({
        type: 'host.rotation.reasserted',
        host,
        loadBalancer: lb.name,
        found: `${status.value.status} (ready)`,
        ok: set.ok,
      });
      if (!set.ok)
        return { ok: false, reason: `${lb.name} put it back in rotation and refused maint: ${set.error.message}` };
    }
    return { ok: true };
  }

  /** Checks every held host each `intervalMs` (and at once after a restart) until `signal` aborts. */
  async watch(intervalMs: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // Nothing held (between batches, at a gate): nothing to keep out, and no timer to spin.
      if (this.held.size === 0) await this.someHold(signal);
      if (signal.aborted) return;
      // Looked at as soon as something is held, so a restart right after a drain has a process to differ from.
      await this.noticeRestarts(signal);
      for (const host of [...this.held.keys()]) await this.ensureOut(host, signal);
      await this.clock.sleep(intervalMs, signal);
    }
  }

  private someHold(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.wakeOnHold = undefined;
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.wakeOnHold = wake;
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  private async noticeRestarts(signal: AbortSignal): Promise<void> {
    const lbs = new Map([...this.held.values()].flatMap((held) => held.lbs.map((lb) => [lb.name, lb] as const)));
    for (const [name, lb] of lbs) {
      const info = await lb.info(signal);
      if (!info.ok) continue; // unreadable: ensureOut reports it per host
      const now = info.value;
      const before = this.seen.get(name);
      this.seen.set(name, now);
      if (before && (before.pid !== now.pid || now.uptimeSec < before.uptimeSec)) {
        await this.emit({
          type: 'lb.restarted',
          loadBalancer: name,
          detail: `pid ${before.pid} up ${before.uptimeSec}s, now pid ${now.pid} up ${now.uptimeSec}s`,
        });
      }
    }
  }
}
