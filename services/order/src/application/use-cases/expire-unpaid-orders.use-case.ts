import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { OrderCancellation } from '../order-cancellation';
import { OrderSettings } from '../order-settings';

/** The history's and `order.cancelled`'s cause for an order not paid in time. */
export const PAYMENT_TIMEOUT_CAUSE = 'payment_timeout';

/** Batches per pass at most, so one pass ends; the next pass takes what is left. */
const MAX_BATCHES_PER_PASS = 20;

export interface ExpiryReport {
  expired: number;
}

/**
 * An order still `creada` ORDER_PAYMENT_TIMEOUT_SECONDS after it was placed is cancelled with
 * cause `payment_timeout`, through the same transition and outbox as a customer's cancel
 * (OrderCancellation): the `cancelled` event in its history, `order.cancelled` for product (the
 * stock comes back), payment (a payment approved later is refunded, or refused once payment
 * knows) and delivery (none is ever opened for it). Each batch is one transaction that claims
 * up to ORDER_EXPIRY_BATCH_SIZE expired orders with FOR UPDATE SKIP LOCKED: replicas running a
 * pass at once take disjoint orders, and an order being paid right now (its row locked by the
 * payment's fact) is skipped; one paid meanwhile is no longer `creada`. So a payment and the
 * expiry never both win: whichever locks the order first decides, and a payment approved after
 * the expiry is refunded (the order states its cancellation again).
 */
@Injectable()
export class ExpireUnpaidOrdersUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
    private readonly cancellation: OrderCancellation,
    private readonly settings: OrderSettings,
  ) {}

  async execute(now = new Date()): Promise<ExpiryReport> {
    const cutoff = new Date(now.getTime() - this.settings.paymentTimeoutSeconds * 1000);
    let expired = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch += 1) {
      const count = await this.uow.run(async () => {
        const due = await this.orders.claimUnpaidPlacedBefore(
          cutoff,
          this.settings.expiryBatchSize,
        );
        for (const order of due) await this.cancellation.cancelLocked(order, PAYMENT_TIMEOUT_CAUSE);
        return due.length;
      });
      expired += count;
      if (count < this.settings.expiryBatchSize) break;
    }
    return { expired };
  }
}
