import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Order } from '../domain/entities/order';
import { OrderRepository } from '../domain/repositories/order.repository';
import { PendingCancellations } from '../domain/repositories/pending-cancellations.repository';
import { StopVerdict } from './ports/goods-dispatch.port';
import { OrderOutbox } from './ports/order-outbox.port';

/** The cause recorded if a pending cancel lost its row to a concurrent one (see `complete`). */
const FALLBACK_CAUSE = 'cancelled';

/** How finishing a paid order's cancel ended. */
export type CancelCompletion =
  | { kind: 'cancelled'; order: Order }
  | { kind: 'left'; order: Order }
  /** the order is no longer `pagada` (another cancel finished first): nothing done */
  | { kind: 'moved'; order: Order }
  | { kind: 'gone' };

/**
 * The one way an order is cancelled, whoever asks (its owner, an admin, the payment timeout, the
 * recovery of an unfinished cancel): the domain's transition to `cancelada` (its `cancelled`
 * history event) and `order.cancelled` in the outbox, in the caller's transaction. Product
 * releases the stock, payment refunds an approved payment, delivery cancels what has not left.
 */
@Injectable()
export class OrderCancellation {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
    private readonly outbox: OrderOutbox,
    private readonly pending: PendingCancellations,
  ) {}

  /** The caller holds the order's row lock in its unit of work. */
  async cancelLocked(order: Order, cause: string): Promise<void> {
    order.transitionTo('cancelada', cause);
    await this.orders.saveChanges(order);
    await this.outbox.publish(order.pullFacts());
  }

  /**
   * Finishes a paid order's cancel once delivery answered, in one transaction with the order
   * locked: the pending row goes, and the order is cancelled if delivery stopped the goods and
   * it is still `pagada`. When the goods left, the order stays as it is (`enviada` follows with
   * delivery's fact). Safe to run twice for one order (request and recovery): the second finds
   * the order cancelled (`moved`) and no row.
   */
  complete(orderId: string, verdict: StopVerdict): Promise<CancelCompletion> {
    return this.uow.run(async () => {
      const order = await this.orders.findByIdForUpdate(orderId);
      const row = await this.pending.find(orderId);
      await this.pending.remove(orderId);
      if (!order) return { kind: 'gone' };
      if (verdict === 'left') return { kind: 'left', order };
      if (order.status !== 'pagada') return { kind: 'moved', order };
      await this.cancelLocked(order, row?.cause ?? FALLBACK_CAUSE);
      return { kind: 'cancelled', order };
    });
  }
}
