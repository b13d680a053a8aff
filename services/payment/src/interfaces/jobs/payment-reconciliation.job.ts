import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runWithRequestId } from '@app/platform';
import { ReconcilePendingPaymentsUseCase } from '../../application/use-cases/reconcile-pending-payments.use-case';
import { PaymentConfig } from '../../infrastructure/config/payment.config';

/**
 * Runs reconciliation every PAYMENT_RECONCILE_INTERVAL_MS (0: never in this process; tests
 * call the use case themselves). One pass at a time; a failed pass is logged and the next one
 * retries. Several instances may run it: settling a payment is idempotent.
 */
@Injectable()
export class PaymentReconciliationJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PaymentReconciliation');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private passes = 0;

  constructor(
    private readonly reconcile: ReconcilePendingPaymentsUseCase,
    private readonly config: PaymentConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.reconcileIntervalMs > 0) this.schedule(this.config.reconcileIntervalMs);
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
      this.running = runWithRequestId(`reconcile-${this.passes}`, () => this.reconcile.execute())
        .then(() => undefined)
        .catch((error: unknown) => {
          const name = error instanceof Error ? error.constructor.name : 'Error';
          this.logger.warn({ err_class: name }, 'payment reconciliation pass failed; retrying');
        })
        .then(() => this.schedule(this.config.reconcileIntervalMs));
    }, delayMs);
    this.timer.unref();
  }
}
