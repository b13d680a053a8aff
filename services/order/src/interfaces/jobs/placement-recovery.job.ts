import { Injectable } from '@nestjs/common';
import { PeriodicPass } from '@app/platform';
import { RecoverPlacementsUseCase } from '../../application/use-cases/recover-placements.use-case';
import { OrderConfig } from '../../infrastructure/config/order.config';

/**
 * Runs the placement recovery at start (what a crashed process left) and then every
 * ORDER_PLACEMENT_RECOVERY_INTERVAL_MS (0: never in this process; tests call the use case).
 * Several instances may run it: a placement is claimed by one of them at a time.
 */
@Injectable()
export class PlacementRecoveryJob extends PeriodicPass {
  protected readonly label = 'placement-recovery';
  protected override readonly runAtStart = true;

  constructor(
    private readonly recover: RecoverPlacementsUseCase,
    private readonly config: OrderConfig,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.config.placementRecoveryIntervalMs;
  }

  protected pass(): Promise<unknown> {
    return this.recover.execute();
  }
}
