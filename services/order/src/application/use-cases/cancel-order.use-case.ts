import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Order } from '../../domain/entities/order';
import { OrderNotFound } from '../../domain/errors/order.errors';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { Requester, canSeeOrdersOf } from '../dtos/requester';
import { OrderOutbox } from '../ports/order-outbox.port';

/**
 * A customer (their own order) or admin cancels, from `creada` or `pagada` (anything else is
 * 409 illegal-transition, by the table). One transaction, with the order row locked: the
 * `cancelled` event, the status, and `order.cancelled` in the outbox (product gives the stock
 * back, payment refunds an approved payment, delivery cancels a pending delivery: each decides).
 * The answer does not wait for any of them: the relay delivers the event until each subscriber
 * acknowledges, so one that is down delays its part but never loses it.
 */
@Injectable()
export class CancelOrderUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
    private readonly outbox: OrderOutbox,
  ) {}

  execute(id: string, requester: Requester): Promise<Order> {
    return this.uow.run(async () => {
      const order = await this.orders.findByIdForUpdate(id);
      if (!order || !canSeeOrdersOf(requester, order.userId)) throw new OrderNotFound(id);
      order.transitionTo(
        'cancelada',
        requester.isAdmin && !order.isOwnedBy(requester.id)
          ? 'cancelled by an administrator'
          : 'cancelled by the customer',
      );
      await this.orders.saveChanges(order);
      await this.outbox.publish(order.pullFacts());
      return order;
    });
  }
}
