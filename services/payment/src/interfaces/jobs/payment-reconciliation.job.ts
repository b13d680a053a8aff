import { Injectable } from '@nestjs/common';
import { PeriodicPass, ReplicaLocks } from '@app/platform';
import { ReconcilePendingPaymentsUseCase } from '../../application/use-cases/reconcile-pending-payments.use-case';
import { PaymentConfig } from '../../infrastructure/config/payment.config';

/**
 * Runs reconciliation every PAYMENT_RECONCILE_INTERVAL_MS (0: never in this process; tests
 * call the use case themselves). One replica at a time: settling is idempotent, but two
 * replicas would ask the gateway about the same payments twice.
 */
@Injectable()
export class PaymentReconciliationJob extends PeriodicPass {
  protected readonly label = 'reconcile';

  constructor(
    private readonly reconcile: ReconcilePendingPaymentsUseCase,
    private readonly config: PaymentConfig,
    private readonly locks: ReplicaLocks,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.config.reconcileIntervalMs;
  }

  protected pass(): Promise<unknown> {
    return this.locks.runIfFree('payment:reconciliation', () => this.reconcile.execute());
  }
}
