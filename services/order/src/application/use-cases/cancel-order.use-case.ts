import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Order } from '../../domain/entities/order';
import {
  CancelAfterShipment,
  IllegalTransition,
  OrderNotFound,
} from '../../domain/errors/order.errors';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { PendingCancellations } from '../../domain/repositories/pending-cancellations.repository';
import { Requester, canSeeOrdersOf } from '../dtos/requester';
import { OrderCancellation } from '../order-cancellation';
import { OrderSettings } from '../order-settings';
import { GoodsDispatch } from '../ports/goods-dispatch.port';

/**
 * A customer (their own order) or admin cancels, from `creada` or `pagada` (anything else is
 * 409 illegal-transition, by the table).
 *
 * `creada`: no delivery can exist (one opens only for a paid order), so one transaction with the
 * order row locked cancels it (OrderCancellation: the `cancelled` event, the status,
 * `order.cancelled` in the outbox; product gives the stock back).
 *
 * `pagada`: the goods may be leaving right now, and the delivery service is the one that knows.
 * 1. A pending cancellation row is committed (with the order row locked, so the status read is
 *    current): from here a crash cannot lose the cancel halfway.
 * 2. Delivery is asked to stop the goods (synchronously, no transaction open). It cannot answer:
 *    503 upstream-unavailable, the order unchanged; the row stays, and recovery asks again
 *    after ORDER_CANCEL_RECOVERY_AFTER_MS and finishes it (a retry of the request finishes it
 *    at once: the stop is idempotent).
 * 3. Stopped: the order is cancelled and the row removed in one transaction (payment refunds on
 *    `order.cancelled`). Left: the row is removed and the cancel refused, 409 illegal-transition
 *    (the order becomes `enviada` when delivery's fact arrives).
 * The process dying between 2 and 3 leaves a stopped delivery and a `pagada` order with its row:
 * recovery asks delivery again (it answers stopped again) and cancels the order.
 */
@Injectable()
export class CancelOrderUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
    private readonly pending: PendingCancellations,
    private readonly cancellation: OrderCancellation,
    private readonly goods: GoodsDispatch,
    private readonly settings: OrderSettings,
  ) {}

  async execute(id: string, requester: Requester): Promise<Order> {
    const first = await this.uow.run(async () => {
      const order = await this.orders.findByIdForUpdate(id);
      if (!order || !canSeeOrdersOf(requester, order.userId)) throw new OrderNotFound(id);
      const cause =
        requester.isAdmin && !order.isOwnedBy(requester.id)
          ? 'cancelled by an administrator'
          : 'cancelled by the customer';
      if (order.status !== 'pagada') {
        // creada cancels now; any other status is refused by the table (409)
        await this.cancellation.cancelLocked(order, cause);
        return { kind: 'done' as const, order };
      }
      const now = new Date();
      await this.pending.open(
        { orderId: order.id, cause, requestedAt: now, attempts: 0 },
        new Date(now.getTime() + this.settings.cancelRecoveryAfterMs),
      );
      return { kind: 'ask_delivery' as const, orderId: order.id };
    });
    if (first.kind === 'done') return first.order;

    const verdict = await this.goods.stop(first.orderId);
    const done = await this.cancellation.complete(first.orderId, verdict);
    switch (done.kind) {
      case 'cancelled':
        return done.order;
      case 'left':
        throw new CancelAfterShipment(done.order.id, done.order.status);
      case 'moved':
        // another cancel of the same order finished first: this one is a second cancel
        throw new IllegalTransition(done.order.status, 'cancelada');
      case 'gone':
        throw new OrderNotFound(id);
    }
  }
}
