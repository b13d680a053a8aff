import fc from 'fast-check';
import { PasswordHashingBusy } from '../../application/errors/password-hashing.errors';
import { HashingGate, HashingKind } from './hashing-gate';

/** A unit of work that finishes when the test says so. */
function pending() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { work: () => done, finish };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('HashingGate', () => {
  it('keeps the reserved slot for verifications and refuses past the queue with Retry-After', async () => {
    const gate = new HashingGate({
      concurrency: 3,
      reservedForVerify: 1,
      queue: 1,
      maxWaitMs: 60_000,
    });
    const runs = [pending(), pending()];
    const hashes = runs.map((r) => gate.run('hash', r.work));
    expect(gate.load).toEqual({ active: 2, waiting: 0 });

    // a third hash may not take the reserved slot: it waits (queue of 1), a fourth is refused
    const queued = pending();
    const third = gate.run('hash', queued.work);
    const refused = gate.run('hash', async () => undefined);
    await expect(refused).rejects.toBeInstanceOf(PasswordHashingBusy);
    await expect(refused).rejects.toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 1 });

    // a verification takes the reserved slot at once
    const login = pending();
    const verified = gate.run('verify', login.work);
    expect(gate.load).toEqual({ active: 3, waiting: 1 });
    login.finish();
    await verified;
    await settle();
    // the freed slot is the reserved one again: the queued hash still waits
    expect(gate.load).toEqual({ active: 2, waiting: 1 });

    runs[0].finish();
    await hashes[0];
    await settle();
    expect(gate.load).toEqual({ active: 2, waiting: 0 });
    runs[1].finish();
    queued.finish();
    await Promise.all([hashes[1], third]);
    expect(gate.load).toEqual({ active: 0, waiting: 0 });
  });

  it('serves a waiting verification before a waiting hash', async () => {
    const gate = new HashingGate({
      concurrency: 1,
      reservedForVerify: 0,
      queue: 4,
      maxWaitMs: 60_000,
    });
    const first = pending();
    const order: string[] = [];
    const running = gate.run('hash', first.work);
    const hash = gate.run('hash', async () => void order.push('hash'));
    const verify = gate.run('verify', async () => void order.push('verify'));
    first.finish();
    await Promise.all([running, hash, verify]);
    expect(order).toEqual(['verify', 'hash']);
  });

  it('refuses a waiter whose wait runs out, and frees nothing it did not take', async () => {
    jest.useFakeTimers();
    try {
      const gate = new HashingGate({
        concurrency: 1,
        reservedForVerify: 0,
        queue: 4,
        maxWaitMs: 500,
      });
      const first = pending();
      const running = gate.run('verify', first.work);
      const waiting = gate.run('verify', async () => undefined);
      const refused = expect(waiting).rejects.toBeInstanceOf(PasswordHashingBusy);
      jest.advanceTimersByTime(500);
      await refused;
      expect(gate.load).toEqual({ active: 1, waiting: 0 });
      first.finish();
      await running;
      expect(gate.load).toEqual({ active: 0, waiting: 0 });
    } finally {
      jest.useRealTimers();
    }
  });

  it('never runs more than the bound, nor hashes in the reserved slots, whatever the mix (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          concurrency: fc.integer({ min: 1, max: 5 }),
          queue: fc.integer({ min: 0, max: 4 }),
          kinds: fc.array(fc.constantFrom<HashingKind>('verify', 'hash'), { maxLength: 30 }),
        }),
        async ({ concurrency, queue, kinds }) => {
          const reserved = concurrency > 1 ? 1 : 0;
          const gate = new HashingGate({
            concurrency,
            reservedForVerify: reserved,
            queue,
            maxWaitMs: 60_000,
          });
          let active = 0;
          let hashing = 0;
          let peak = 0;
          let peakHashing = 0;
          const results = await Promise.allSettled(
            kinds.map((kind) =>
              gate.run(kind, async () => {
                active += 1;
                if (kind === 'hash') hashing += 1;
                peak = Math.max(peak, active);
                peakHashing = Math.max(peakHashing, hashing);
                await settle();
                active -= 1;
                if (kind === 'hash') hashing -= 1;
              }),
            ),
          );
          expect(peak).toBeLessThanOrEqual(concurrency);
          expect(peakHashing).toBeLessThanOrEqual(Math.max(1, concurrency - reserved));
          for (const result of results) {
            if (result.status === 'rejected')
              expect(result.reason).toBeInstanceOf(PasswordHashingBusy);
          }
          // at least the slots and the queues' worth of requests were served
          const served = results.filter((r) => r.status === 'fulfilled').length;
          expect(served).toBeGreaterThanOrEqual(
            Math.min(kinds.length, Math.max(1, concurrency - reserved)),
          );
          expect(gate.load).toEqual({ active: 0, waiting: 0 });
        },
      ),
      { numRuns: 100, seed: 9 },
    );
  });
});
