import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runWithRequestId } from '../context/request-context';

/**
 * A pass of a use case every `intervalMs` (0: never in this process; tests call the use case
 * themselves), the first one after `intervalMs` or at once (`runAtStart`: recovery of what a
 * crashed process left): one pass at a time, the next one scheduled when it ends; a failed pass
 * is logged and the next one retries; the timer does not keep the process alive, and shutdown
 * waits for a running pass. Each pass gets a request id of its own, so its log lines (and the
 * events it publishes) can be told apart. Several replicas may run one: each use case claims
 * its work (SKIP LOCKED, leases) or is idempotent.
 */
export abstract class PeriodicPass implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private passes = 0;

  protected abstract readonly intervalMs: number;
  /** the request id prefix of its passes (`expiry-3`) */
  protected abstract readonly label: string;
  protected abstract pass(): Promise<unknown>;
  /** the first pass at start rather than one interval later */
  protected readonly runAtStart: boolean = false;

  onApplicationBootstrap(): void {
    if (this.intervalMs > 0) this.schedule(this.runAtStart ? 0 : this.intervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.passes += 1;
      this.running = runWithRequestId(`${this.label}-${this.passes}`, () => this.pass())
        .then(() => undefined)
        .catch((error: unknown) => {
          const name = error instanceof Error ? error.constructor.name : 'Error';
          this.logger.warn({ err_class: name }, `${this.label} pass failed; the next one retries`);
        })
        .then(() => this.schedule(this.intervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
