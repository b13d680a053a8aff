import { setTimeout as sleep } from 'node:timers/promises';
import { CoalescingPasses } from './coalescing-passes';
import { eventually } from '@app/testing';

/**
 * Passes that each wait until the test opens them (`finish()`), recording how many started and
 * the most that ever ran at once; `wants` is what each pass asks for (the ms to its next one).
 */
function gatedPasses(wants: () => number | undefined = () => undefined) {
  const seen = { started: 0, running: 0, mostAtOnce: 0, errors: 0 };
  const gates: Array<(outcome: 'ok' | 'fail') => void> = [];
  const passes = new CoalescingPasses(
    async () => {
      seen.started += 1;
      seen.running += 1;
      seen.mostAtOnce = Math.max(seen.mostAtOnce, seen.running);
      const outcome = await new Promise<'ok' | 'fail'>((open) => gates.push(open));
      seen.running -= 1;
      if (outcome === 'fail') throw new Error('pass failed');
      return wants();
    },
    { fallbackMs: 60_000, retryMs: 20 },
    () => (seen.errors += 1),
  );
  /** ends the oldest pass still waiting, once it has started */
  const finish = async (outcome: 'ok' | 'fail' = 'ok') => {
    await eventually(() => expect(gates.length).toBeGreaterThan(0), 2000);
    gates.shift()!(outcome);
    await sleep(5);
  };
  return { seen, passes, finish };
}

describe('CoalescingPasses', () => {
  it.each([1, 2, 7, 100])(
    'a burst of %i requests during a pass is one more pass after it, never two at once',
    async (burst) => {
      const { seen, passes, finish } = gatedPasses();
      passes.request();
      await eventually(() => expect(seen.started).toBe(1), 2000);
      for (let i = 0; i < burst; i += 1) passes.request();
      await finish();
      await eventually(() => expect(seen.started).toBe(2), 2000);
      await finish();
      await sleep(30);
      expect(seen.started).toBe(2);
      expect(seen.mostAtOnce).toBe(1);
      await passes.stop();
    },
  );

  it('a request made during a pass whose check then says it was served runs no pass', async () => {
    const { seen, passes, finish } = gatedPasses();
    let served = false;
    passes.request();
    await eventually(() => expect(seen.started).toBe(1), 2000);
    passes.request(() => !served);
    served = true;
    await finish();
    await sleep(30);
    expect(seen.started).toBe(1);
    await passes.stop();
  });

  it('times the next pass as the last one asked, and retries a failed one', async () => {
    const { seen, passes, finish } = gatedPasses(() => 300);
    passes.request();
    await finish();
    await sleep(10);
    expect(seen.started).toBe(1); // not before the 300 ms it asked for
    await eventually(() => expect(seen.started).toBe(2), 2000);
    await finish('fail');
    expect(seen.errors).toBe(1);
    await eventually(() => expect(seen.started).toBe(3), 2000); // retryMs later
    await finish();
    await passes.stop();
  });

  it('starts nothing after stop, which waits for the running pass', async () => {
    const { seen, passes, finish } = gatedPasses(() => 0);
    passes.request();
    await eventually(() => expect(seen.started).toBe(1), 2000);
    const stopped = passes.stop();
    passes.request();
    await finish();
    await stopped;
    expect(seen.running).toBe(0);
    await sleep(30);
    expect(seen.started).toBe(1);
  });
});
