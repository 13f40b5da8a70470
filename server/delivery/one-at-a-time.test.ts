import { describe, expect, it } from 'vitest';
import { oneAtATime, queuedKeys } from './one-at-a-time.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('one write at a time per record', () => {
  it('never overlaps two writes to the same record, and keeps their order', async () => {
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, n) => oneAtATime('a', async () => {
      running++; most = Math.max(most, running);
      await tick();
      order.push(n);
      running--;
    })));
    expect(most).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('lets writes to different records run side by side', async () => {
    let running = 0;
    let most = 0;
    await Promise.all(['a', 'b', 'c'].map((k) => oneAtATime(k, async () => {
      running++; most = Math.max(most, running);
      await tick();
      running--;
    })));
    expect(most).toBe(3);
  });

  it('carries on after a failed write and hands its error to its caller only', async () => {
    const failed = oneAtATime('x', async () => { throw new Error('boom'); });
    const next = oneAtATime('x', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    await tick();
    expect(queuedKeys()).toBe(0);
  });
});
