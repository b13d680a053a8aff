import { Injectable } from '@nestjs/common';
import { RecoverPendingCancellationsUseCase } from '../../application/use-cases/recover-pending-cancellations.use-case';
import { OrderConfig } from '../../infrastructure/config/order.config';
import { PeriodicPass } from '@app/platform';

/**
 * Finishes unfinished cancels of paid orders every ORDER_CANCEL_RECOVERY_INTERVAL_MS. Every
 * replica may run it: rows are claimed with a lease (SKIP LOCKED), and finishing is idempotent.
 */
@Injectable()
export class CancellationRecoveryJob extends PeriodicPass {
  protected readonly label = 'cancel-recovery';

  constructor(
    private readonly recover: RecoverPendingCancellationsUseCase,
    private readonly config: OrderConfig,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.config.cancelRecoveryIntervalMs;
  }

  protected pass(): Promise<unknown> {
    return this.recover.execute();
  }
}
