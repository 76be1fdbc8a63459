/**
 * The maxUnavailable guard: a host must hold a slot of its group before it
 * leaves rotation and gives it back only when it is in rotation again. A
 * failed host keeps its slot, so it counts against the cap until it is back.
 * Counted across the whole run, whatever batch or rollback asks.
 */
export type SlotAnswer = 'granted' | 'cancelled' | 'blocked';

interface GroupSlots {
  max: number;
  /** Hosts out of rotation now, including failed ones and ones left out before the run. */
  out: Set<string>;
  /** Hosts out that are being worked on and will give their slot back. */
  moving: Set<string>;
  waiters: Array<() => void>;
}

export class Availability {
  private readonly groups = new Map<string, GroupSlots>();

  constructor(caps: ReadonlyArray<{ group: string; max: number; alreadyOut: readonly string[] }>) {
    for (const cap of caps)
      this.groups.set(cap.group, { max: cap.max, out: new Set(cap.alreadyOut), moving: new Set(), waiters: [] });
  }

  /**
   * Waits for a slot. `blocked` when none can ever free up (every host out is
   * stuck after a failure) — waiting would hang the run.
   */
  async acquire(group: string, host: string, signal: AbortSignal): Promise<SlotAnswer> {
    const slots = this.slots(group);
    if (slots.out.has(host)) {
      slots.moving.add(host); // already out (left by an earlier run): it holds its slot
      return 'granted';
    }
    for (;;) {
      if (signal.aborted) return 'cancelled';
      if (slots.out.size < slots.max) {
        slots.out.add(host);
        slots.moving.add(host);
        return 'granted';
      }
      if (slots.moving.size === 0) return 'blocked';
      await new Promise<void>((resolve) => {
        const wake = () => {
          signal.removeEventListener('abort', wake);
          resolve();
        };
        slots.waiters.push(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
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
