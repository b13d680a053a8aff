import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `check` until it stops throwing (an assertion that holds once something asynchronous has
 * happened: an event delivered, a queue drained), every 50 ms; after `timeoutMs` the last
 * failure is thrown, naming `what`.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`${what} not met in ${timeoutMs} ms`, { cause: error });
      await sleep(50);
    }
  }
}
