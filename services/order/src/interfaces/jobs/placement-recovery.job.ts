import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runWithRequestId } from '@app/platform';
import { RecoverPlacementsUseCase } from '../../application/use-cases/recover-placements.use-case';
import { OrderConfig } from '../../infrastructure/config/order.config';

/**
 * Runs the placement recovery at start (what a crashed process left) and then every
 * ORDER_PLACEMENT_RECOVERY_INTERVAL_MS (0: never in this process; tests call the use case).
 * One pass at a time; a failed pass (database down) is logged and the next one retries. Several
 * instances may run it: a placement is claimed by one of them at a time.
 */
@Injectable()
export class PlacementRecoveryJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PlacementRecovery');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private passes = 0;

  constructor(
    private readonly recover: RecoverPlacementsUseCase,
    private readonly config: OrderConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.placementRecoveryIntervalMs > 0) this.schedule(0);
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
      this.running = runWithRequestId(`placement-recovery-${this.passes}`, () =>
        this.recover.execute(),
      )
        .then(() => undefined)
        .catch((error: unknown) => {
          const name = error instanceof Error ? error.constructor.name : 'Error';
          this.logger.warn({ err_class: name }, 'placement recovery pass failed; retrying');
        })
        .then(() => this.schedule(this.config.placementRecoveryIntervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
