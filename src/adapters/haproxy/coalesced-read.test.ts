import { describe, expect, it } from 'vitest';
import { fail, ok } from '../../core/result.js';
import type { Result } from '../../core/result.js';
import { coalescedRead } from './coalesced-read.js';

/** A read that counts itself and finishes when the test says so. */
function controlledRead() {
  const started: Array<{ at: number; finish: (value: number) => void; signal: AbortSignal }> = [];
  let reads = 0;
  const read = (signal: AbortSignal) =>
    new Promise<Result<number>>((resolve) => {
      reads++;
      started.push({ at: Date.now(), finish: (value) => resolve(ok(value)), signal });
    });
  return { read, started, reads: () => reads };
}

const aborted = () => fail('aborted');
const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
};

describe('coalescedRead', () => {
  it('given 50 callers in the same moment, when they read, then one read serves them all', async () => {
    const source = controlledRead();
    const status = coalescedRead(source.read, 25, aborted);

    const answers = Promise.all(Array.from({ length: 50 }, () => status()));
    await until(() => source.started.length === 1);
    source.started[0]?.finish(7);

    expect(await answers).toEqual(Array.from({ length: 50 }, () => ok(7)));
    expect(source.reads()).toBe(1);
  });

  it('given a read in flight, when another caller asks, then it gets the next read, started after it asked', async () => {
    const source = controlledRead();
    const status = coalescedRead(source.read, 0, aborted);
    const first = status();
    await until(() => source.started.length === 1);

    // The state may have changed after the first read was sent: a later caller must not get that answer.
    const second = status();
    const third = status();
    source.started[0]?.finish(1);
    expect(await first).toEqual(ok(1));
    await until(() => source.started.length === 2);
    source.started[1]?.finish(2);

    expect([await second, await third]).toEqual([ok(2), ok(2)]);
    expect(source.reads()).toBe(2);
  });

  it('given callers arriving one after another, when they read, then reads start at least a tick apart', async () => {
    const source = controlledRead();
    const status = coalescedRead(source.read, 40, aborted);
    for (let i = 0; i < 3; i++) {
      const answer = status();
      await until(() => source.started.length === i + 1);
      source.started[i]?.finish(i);
      expect(await answer).toEqual(ok(i));
    }
    const gaps = source.started.slice(1).map((read, i) => read.at - (source.started[i]?.at ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(39);
  });

  it('given two callers of one read, when one gives up, then it gets aborted and the other still gets the answer', async () => {
    const source = controlledRead();
    const status = coalescedRead(source.read, 0, aborted);
    const controller = new AbortController();
    const leaving = status(controller.signal);
    const staying = status(new AbortController().signal);
    await until(() => source.started.length === 1);

    controller.abort();
    expect(await leaving).toEqual(aborted());
    expect(source.started[0]?.signal.aborted).toBe(false);
    source.started[0]?.finish(3);
    expect(await staying).toEqual(ok(3));
  });

  it('given the only caller of a read, when it gives up, then the read itself is aborted', async () => {
    const source = controlledRead();
    const status = coalescedRead(source.read, 0, aborted);
    const controller = new AbortController();
    const leaving = status(controller.signal);
    await until(() => source.started.length === 1);

    controller.abort();

    expect(await leaving).toEqual(aborted());
    expect(source.started[0]?.signal.aborted).toBe(true);
  });
});
