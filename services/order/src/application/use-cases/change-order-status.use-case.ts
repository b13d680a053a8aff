import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { visitedStatuses } from '../../domain/entities/order-history';
import { decideStatusMessage } from '../../domain/entities/order-status';
import { IllegalTransition, OrderNotFound } from '../../domain/errors/order.errors';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { ChangeStatusCommand, ChangeStatusResult } from '../dtos/change-status.command';
import { MessageIdReused } from '../errors/order-request.errors';
import { OrderOutbox } from '../ports/order-outbox.port';
import { ProcessedMessages } from '../ports/processed-messages.port';

/**
 * A status change sent by another service (payment, delivery, through their outbox).
 * One transaction: lock the order, record the message id (inbox), decide, append the event,
 * write the status and enqueue the follow-ups (a paid order with an address → delivery; a
 * cancelled one → stock release, and refund + delivery cancel if it was paid). A repeated
 * message id changes nothing and answers the current order; a target already reached or passed
 * is a no-op (the message is recorded); `pagada` for an order cancelled before it was paid
 * enqueues a refund and leaves the order cancelled; an illegal move rolls everything back (409)
 * so that the same message may succeed once the order has caught up.
 */
@Injectable()
export class ChangeOrderStatusUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
    private readonly inbox: ProcessedMessages,
    private readonly outbox: OrderOutbox,
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
      switch (decision) {
        case 'already_reached':
          return { order, outcome: 'already_reached' };
        case 'illegal':
          throw new IllegalTransition(order.status, command.target);
        case 'refund_late_payment':
          order.refundLatePayment('payment approved after the order was cancelled');
          await this.outbox.enqueue(order.pullFollowUps());
          return { order, outcome: 'refund_requested' };
        case 'apply':
          order.transitionTo(command.target, command.cause, {
            messageId: command.messageId,
            paymentId: command.paymentId,
            deliveryId: command.deliveryId,
          });
          await this.orders.saveChanges(order);
          await this.outbox.enqueue(order.pullFollowUps());
          return { order, outcome: 'applied' };
      }
    });
  }
}
