import { describe, expect, it } from 'vitest';
import { Gate } from './gate.js';

describe('gate', () => {
  it('hands the session to one holder at a time, first come first served', async () => {
    const gate = new Gate();
    const order: string[] = [];
    const first = await gate.acquire();
    const second = gate.acquire().then((release) => {
      order.push('second');
      release();
    });
    const third = gate.acquire().then((release) => {
      order.push('third');
      release();
    });
    expect(gate.waiting).toBe(2);
    order.push('first');
    first();
    first(); // releasing twice does not let two waiters in
    await Promise.all([second, third]);
    expect(order).toEqual(['first', 'second', 'third']);
    expect(gate.held).toBe(false);
  });

  it('reports a wait that looks like a transaction waiting for itself', async () => {
    const waits: number[] = [];
    let reported!: () => void;
    const wasReported = new Promise<void>((r) => (reported = r));
    const gate = new Gate({
      slowWaitMs: 1,
      onSlowWait: (ms) => {
        waits.push(ms);
        reported();
      },
    });
    const release = await gate.acquire();
    const waiting = gate.acquire();
    await wasReported;
    release();
    (await waiting)();
    expect(waits).toEqual([1]);
  });
});
