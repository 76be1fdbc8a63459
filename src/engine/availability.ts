/**
 * The maxUnavailable guard: a host must hold a slot of its group before it
 * leaves rotation and gives it back only when it is in rotation again. A
 * failed host keeps its slot, so it counts against the cap until it is back.
 * Counted across the whole run, whatever batch or rollback asks.
 *
 * Capacity is what the load balancers serve, not what this run did: before a
 * slot is granted the guard asks which of the group's servers serve no
 * traffic now — drained or in maint by someone else, DOWN by HAProxy's own
 * checks, a host that died after its return — and counts them too. When such
 * hosts use up the cap, it waits (they may recover) for a bounded time, then
 * answers blocked, naming them.
 */
import type { Result } from '../core/result.js';
import type { Clock } from './ports.js';

export type SlotAnswer = 'granted' | 'cancelled' | { blocked: string };

/** The group's hosts that serve no traffic on some load balancer now, with why ("web-03 DOWN on edge"). */
export type NotServingReader = (group: string, signal: AbortSignal) => Promise<Result<Map<string, string>>>;

export interface CapacityOptions {
  notServing: NotServingReader;
  clock: Clock;
  /** How often to look again while waiting for sick hosts to recover. */
  pollMs: number;
  /** How long to wait for them before giving up. */
  waitMs: number;
}

interface GroupSlots {
  max: number;
  /** Hosts out of rotation now, including failed ones and ones left out before the run. */
  out: Set<string>;
  /** Hosts out that are being worked on and will give their slot back. */
  moving: Set<string>;
  waiters: Array<() => void>;
  /** Slots are granted one at a time, so two hosts never both see the same last free slot. */
  granting: Promise<unknown>;
}

const NOBODY_IS_SICK: CapacityOptions = {
  notServing: async () => ({ ok: true, value: new Map() }),
  clock: { now: () => 0, sleep: async () => undefined },
  pollMs: 0,
  waitMs: 0,
};

export class Availability {
  private readonly groups = new Map<string, GroupSlots>();

  constructor(
    caps: ReadonlyArray<{ group: string; max: number; alreadyOut: readonly string[] }>,
    private readonly capacity: CapacityOptions = NOBODY_IS_SICK,
  ) {
    for (const cap of caps)
      this.groups.set(cap.group, {
        max: cap.max,
        out: new Set(cap.alreadyOut),
        moving: new Set(),
        waiters: [],
        granting: Promise.resolve(),
      });
  }

  /**
   * Waits for a slot. Blocked when none can ever free up (every host out is
   * stuck after a failure), or when hosts this run does not hold keep the
   * cap used up past `waitMs` — waiting longer would hang the run.
   */
  async acquire(group: string, host: string, signal: AbortSignal): Promise<SlotAnswer> {
    const slots = this.slots(group);
    if (slots.out.has(host)) {
      slots.moving.add(host); // already out (left by an earlier run): it holds its slot
      return 'granted';
    }
    const turn = slots.granting.then(() => this.grant(slots, group, host, signal));
    slots.granting = turn.catch(() => undefined);
    return turn;
  }

  private async grant(slots: GroupSlots, group: string, host: string, signal: AbortSignal): Promise<SlotAnswer> {
    const { clock, pollMs, waitMs } = this.capacity;
    let giveUpAt: number | undefined;
    for (;;) {
      if (signal.aborted) return 'cancelled';
      const read = await this.capacity.notServing(group, signal);
      const others = read.ok ? [...read.value].filter(([name]) => !slots.out.has(name) && name !== host) : [];
      if (read.ok && slots.out.size + others.length < slots.max) {
        slots.out.add(host);
        slots.moving.add(host);
        return 'granted';
      }
      if (read.ok && others.length === 0 && slots.moving.size === 0) {
        return { blocked: `maxUnavailable ${slots.max} is taken by ${[...slots.out].join(', ')}, out of rotation` };
      }
      if (!read.ok || others.length > 0) {
        // Hosts this run does not hold (or a load balancer it cannot read): they may come back by themselves.
        giveUpAt ??= clock.now() + waitMs;
        if (clock.now() >= giveUpAt) {
          const why = read.ok
            ? `${others.map(([, reason]) => reason).join('; ')} — not serving, with ${slots.out.size} out for this run`
            : `the load balancers cannot be read: ${read.error.message}`;
          return { blocked: `maxUnavailable ${slots.max} is used up: ${why}` };
        }
        await Promise.race([this.released(slots, signal), clock.sleep(pollMs, signal)]);
      } else {
        await this.released(slots, signal);
      }
    }
  }

  private released(slots: GroupSlots, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        signal.removeEventListener('abort', wake);
        resolve();
      };
      slots.waiters.push(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  /** The host is back in rotation. */
  release(group: string, host: string): void {
    const slots = this.slots(group);
    slots.out.delete(host);
    slots.moving.delete(host);
    this.wake(slots);
  }

  /** The host failed and stays out: it keeps its slot but will not free it by itself. */
  stuck(group: string, host: string): void {
    const slots = this.slots(group);
    slots.moving.delete(host);
    this.wake(slots);
  }

  outOfRotation(group: string): string[] {
    return [...this.slots(group).out];
  }

  private wake(slots: GroupSlots): void {
    const waiters = slots.waiters.splice(0);
    for (const wake of waiters) wake();
  }

  private slots(group: string): GroupSlots {
    const slots = this.groups.get(group);
    if (!slots) throw new Error(`Availability: unknown group ${group}`);
    return slots;
  }
}
