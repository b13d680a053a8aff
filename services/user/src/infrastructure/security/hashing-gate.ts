import { PasswordHashingBusy } from '../../application/errors/password-hashing.errors';

/** `verify`: a password check (login, a current password); `hash`: a new hash. */
export type HashingKind = 'verify' | 'hash';

export interface HashingGateLimits {
  /** KDF runs at once, all kinds together */
  concurrency: number;
  /** slots that new hashes may not take, kept for verifications (0 when concurrency is 1) */
  reservedForVerify: number;
  /** requests of each kind that may wait for a slot; past it, refused at once */
  queue: number;
  /** longest wait for a slot before the request is refused */
  maxWaitMs: number;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

/** Retry-After of a refusal: slots free up within one KDF run (well under a second). */
const RETRY_AFTER_SECONDS = 1;

/**
 * Bounds the KDF runs in flight. scrypt runs on libuv's small threadpool (4 threads by
 * default), so an unbounded number of them queues every login behind a burst of password
 * changes; here a run beyond the bound waits briefly in a short queue, or is refused with
 * PasswordHashingBusy (429 + Retry-After). Verifications go first: new hashes never take the
 * reserved slots, and waiting verifications are served before waiting hashes.
 */
export class HashingGate {
  private active = 0;
  private readonly waiting: Record<HashingKind, Waiter[]> = { verify: [], hash: [] };

  constructor(private readonly limits: HashingGateLimits) {}

  async run<T>(kind: HashingKind, work: () => Promise<T>): Promise<T> {
    await this.acquire(kind);
    try {
      return await work();
    } finally {
      this.active -= 1;
      this.admitWaiting();
    }
  }

  /** In flight and waiting, for tests and metrics. */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.verify.length + this.waiting.hash.length };
  }

  private capacityFor(kind: HashingKind): number {
    const { concurrency, reservedForVerify } = this.limits;
    return kind === 'verify' ? concurrency : Math.max(1, concurrency - reservedForVerify);
  }

  private acquire(kind: HashingKind): Promise<void> {
    // A verification does not overtake waiting verifications; a hash waits behind either kind.
    const ahead = this.waiting.verify.length + (kind === 'hash' ? this.waiting.hash.length : 0);
    if (ahead === 0 && this.active < this.capacityFor(kind)) {
      this.active += 1;
      return Promise.resolve();
    }
    const queue = this.waiting[kind];
    if (queue.length >= this.limits.queue || this.limits.maxWaitMs === 0) {
      return Promise.reject(new PasswordHashingBusy(RETRY_AFTER_SECONDS));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer);
          this.active += 1;
          resolve();
        },
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(waiter), 1);
          reject(new PasswordHashingBusy(RETRY_AFTER_SECONDS));
        }, this.limits.maxWaitMs),
      };
      queue.push(waiter);
    });
  }

  private admitWaiting(): void {
    for (const kind of ['verify', 'hash'] as const) {
      const queue = this.waiting[kind];
      while (queue.length > 0 && this.active < this.capacityFor(kind)) {
        queue.shift()!.start();
      }
      // Hashes are admitted only when no verification is left waiting.
      if (queue.length > 0) return;
    }
  }
}
