import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { visitedStatuses } from '../../domain/entities/order-history';
import { decideStatusMessage } from '../../domain/entities/order-status';
import { IllegalTransition, OrderNotFound } from '../../domain/errors/order.errors';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { ChangeStatusCommand, ChangeStatusResult } from '../dtos/change-status.command';
import { MessageIdReused } from '../errors/order-request.errors';
import { ProcessedMessages } from '../ports/processed-messages.port';
import { ProductCatalog } from '../ports/product-catalog.port';

/**
 * A status change sent by another service (payment, delivery; later through their outbox).
 * One transaction: lock the order, record the message id (inbox), decide, append the event,
 * write the status. A repeated message id changes nothing and answers the current order; a
 * target already reached or passed is a no-op (the message is recorded); an illegal move rolls
 * everything back (409) so that the same message may succeed once the order has caught up.
 * Cancelling releases the stock first (503 and nothing changed when the product service is down).
 */
@Injectable()
export class ChangeOrderStatusUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
    private readonly inbox: ProcessedMessages,
    private readonly catalog: ProductCatalog,
  ) {}

  execute(command: ChangeStatusCommand): Promise<ChangeStatusResult> {
    return this.uow.run(async () => {
      // The order row lock comes first: every message for one order queues here, and the
      // inbox insert below (whose foreign key share-locks the same row) can never deadlock.
      const order = await this.orders.findByIdForUpdate(command.orderId);
      if (!order) throw new OrderNotFound(command.orderId);

      const record = await this.inbox.record(command.messageId, order.id);
      if (!record.fresh) {
        if (record.orderId.toLowerCase() !== order.id.toLowerCase()) {
          throw new MessageIdReused(command.messageId, record.orderId);
        }
        return { order, outcome: 'duplicate' };
      }

      const history = await this.orders.eventsOf(order.id);
      const decision = decideStatusMessage(order.status, visitedStatuses(history), command.target);
      if (decision === 'already_reached') return { order, outcome: 'already_reached' };
      if (decision === 'illegal') throw new IllegalTransition(order.status, command.target);

      order.transitionTo(command.target, command.cause, {
        messageId: command.messageId,
        paymentId: command.paymentId,
        deliveryId: command.deliveryId,
      });
      if (command.target === 'cancelada') await this.catalog.releaseStock(order.id);
      await this.orders.saveChanges(order);
      return { order, outcome: 'applied' };
    });
  }
}
