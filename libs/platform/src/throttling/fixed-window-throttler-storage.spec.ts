import fc from 'fast-check';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler-storage';

describe('FixedWindowThrottlerStorage', () => {
  const TTL = 60_000;

  it('lets `limit` requests through per window, blocks the next for blockDuration, then counts afresh', async () => {
    let now = 1_000_000;
    const storage = new FixedWindowThrottlerStorage(() => now);
    const hit = () => storage.increment('k', TTL, 3, TTL, 'default');
    const first = [await hit(), await hit(), await hit()];
    expect(first.map((r) => [r.totalHits, r.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
    ]);
    expect(first[0].timeToExpire).toBe(60);
    now += 10_000;
    const over = await hit();
    expect(over).toEqual({
      totalHits: 4,
      timeToExpire: 50,
      isBlocked: true,
      timeToBlockExpire: 60,
    });
    now += 55_000; // the window has ended (a new one starts with this hit), the block has not
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: true, timeToBlockExpire: 5 });
    now += 6_000; // the block has ended: the new window's second hit passes
    expect(await hit()).toEqual({
      totalHits: 2,
      timeToExpire: 54,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });

  it('keys and throttler names count apart', async () => {
    const storage = new FixedWindowThrottlerStorage(() => 0);
    await storage.increment('a', TTL, 1, TTL, 'default');
    expect((await storage.increment('b', TTL, 1, TTL, 'default')).isBlocked).toBe(false);
    expect((await storage.increment('a', TTL, 1, TTL, 'login')).isBlocked).toBe(false);
    expect((await storage.increment('a', TTL, 1, TTL, 'default')).isBlocked).toBe(true);
  });

  it('never lets more than `limit` through in one window, whatever the timing (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 }),
        async (limit, gaps) => {
          let now = 0;
          const storage = new FixedWindowThrottlerStorage(() => now);
          const passedAt: number[] = [];
          for (const gap of gaps) {
            now += gap;
            const record = await storage.increment('k', TTL, limit, TTL, 'default');
            if (!record.isBlocked) passedAt.push(now);
            expect(record.timeToExpire).toBeGreaterThan(0);
            expect(record.timeToExpire).toBeLessThanOrEqual(60);
          }
          // any span shorter than the window holds at most one window boundary: 2 × limit
          for (let i = 0; i < passedAt.length; i += 1) {
            const inSpan = passedAt.filter((t) => t >= passedAt[i] && t < passedAt[i] + TTL);
            expect(inSpan.length).toBeLessThanOrEqual(2 * limit);
          }
          // and the first window exactly `limit`
          expect(passedAt.filter((t) => t < TTL).length).toBeLessThanOrEqual(limit);
        },
      ),
      { numRuns: 200 },
    );
  });
});
