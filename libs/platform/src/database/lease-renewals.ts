import { Logger } from '@nestjs/common';

interface Renewal {
  timer: NodeJS.Timeout;
  renewing: boolean;
}

/**
 * Heartbeats of short leases (an idempotency key held by a running request, outbox rows a
 * relay is delivering): a lease lapses soon after its holder dies, so another process takes the
 * work over within seconds, yet a live holder keeps it as long as it works. Each renewal is the
 * holder's own statement (it checks the holder's token) and says whether the lease is still
 * held; it stops when it is not, when the holder stops it, or after `maxMs`.
 */
export class LeaseRenewals {
  private readonly renewals = new Map<string, Renewal>();

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
  ) {}

  get active(): number {
    return this.renewals.size;
  }

  /** Renews every `everyMs` (the first time `everyMs` from now); timers never keep node alive. */
  start(id: string, everyMs: number, renew: () => Promise<boolean>, maxMs = Infinity): void {
    this.stop(id);
    const giveUpAt = Date.now() + maxMs;
    const renewal: Renewal = {
      renewing: false,
      timer: setInterval(() => {
        if (renewal.renewing) return; // the last one still waits for a connection
        if (Date.now() >= giveUpAt) {
          this.stop(id);
          this.logger.warn(
            { lease: this.what },
            'A lease was held for its maximum time; no longer renewed, it lapses',
          );
          return;
        }
        renewal.renewing = true;
        renew()
          .then((held) => {
            if (!held) this.stop(id);
          })
          .catch((error: unknown) => {
            // the next beat tries again; the lease lapses if none lands in time
            this.logger.warn(
              {
                lease: this.what,
                err_class: error instanceof Error ? error.constructor.name : 'Error',
              },
              'Renewing a lease failed',
            );
          })
          .finally(() => (renewal.renewing = false));
      }, everyMs),
    };
    renewal.timer.unref();
    this.renewals.set(id, renewal);
  }

  stop(id: string): void {
    const renewal = this.renewals.get(id);
    if (!renewal) return;
    clearInterval(renewal.timer);
    this.renewals.delete(id);
  }

  stopAll(): void {
    for (const id of [...this.renewals.keys()]) this.stop(id);
  }
}
