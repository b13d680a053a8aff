import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `probe` every `intervalMs` until `accept` holds, at most `timeoutMs`; returns the
 * accepted value, or throws naming `what` with the last value (or error) seen. For effects that
 * happen on a timer or in another process: the test waits exactly as long as they take, never a
 * fixed sleep.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const error = lastError ? `; last error: ${String(lastError)}` : '';
      throw new Error(
        `${what}: not reached within ${timeoutMs} ms; last value ${JSON.stringify(last)}${error}`,
      );
    }
    await sleep(intervalMs);
  }
}
