import { Injectable, Logger } from '@nestjs/common';
import { ExpireUnpaidOrdersUseCase } from '../../application/use-cases/expire-unpaid-orders.use-case';
import { OrderConfig } from '../../infrastructure/config/order.config';
import { PeriodicPass } from '@app/platform';

/**
 * Expires unpaid orders every ORDER_EXPIRY_INTERVAL_MS, so an order is cancelled at most that
 * long after ORDER_PAYMENT_TIMEOUT_SECONDS. Every replica may run it: the passes claim disjoint
 * orders (SKIP LOCKED).
 */
@Injectable()
export class OrderExpiryJob extends PeriodicPass {
  private readonly log = new Logger('OrderExpiry');
  protected readonly label = 'expiry';

  constructor(
    private readonly expire: ExpireUnpaidOrdersUseCase,
    private readonly config: OrderConfig,
  ) {
    super();
  }

  protected get intervalMs(): number {
    return this.config.expiryIntervalMs;
  }

  protected async pass(): Promise<void> {
    const { expired } = await this.expire.execute();
    if (expired > 0) this.log.log({ expired }, 'unpaid orders cancelled (payment_timeout)');
  }
}
