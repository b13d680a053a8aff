import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Waits, without a fixed sleep, for something asynchronous to have happened (an event delivered,
 * a queue drained, a job's effect in another process), polling every 50 ms (or `intervalMs`).
 * Two ways to say what:
 * - `eventually(check, timeoutMs?, what?)`: until `check` stops throwing (an assertion);
 * - `eventually(what, probe, accept, { timeoutMs, intervalMs }?)`: until `accept(probe())`.
 * Returns the last value; after `timeoutMs` (15 s) throws naming `what`, with the last value or
 * failure seen.
 */
export function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs?: number,
  what?: string,
): Promise<T>;
export function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  options?: EventuallyOptions,
): Promise<T>;
export async function eventually<T>(
  first: string | (() => T | Promise<T>),
  second?: number | (() => Promise<T>),
  third?: string | ((value: T) => boolean),
  options: EventuallyOptions = {},
): Promise<T> {
  const [what, probe, accept, timeoutMs, intervalMs] =
    typeof first === 'string'
      ? [
          first,
          second as () => Promise<T>,
          third as (value: T) => boolean,
          options.timeoutMs ?? 15_000,
          options.intervalMs ?? 50,
        ]
      : [(third as string) ?? 'condition', first, () => true, (second as number) ?? 15_000, 50];
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError
        ? `; last failure: ${lastError instanceof Error ? lastError.message : String(lastError)}`
        : `; last value ${JSON.stringify(last)}`;
      throw new Error(`${what}: not reached within ${timeoutMs} ms${seen}`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}
