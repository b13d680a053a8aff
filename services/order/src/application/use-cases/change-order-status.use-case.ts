import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { visitedStatuses } from '../../domain/entities/order-history';
import { decideStatusMessage } from '../../domain/entities/order-status';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { ChangeStatusCommand, ChangeStatusResult } from '../dtos/change-status.command';
import { FactAboutUnknownOrder, OrderNotCaughtUp } from '../errors/order-request.errors';
import { OrderOutbox } from '../ports/order-outbox.port';

/**
 * The status another service's fact implies (payment approved → pagada, delivery in transit →
 * enviada, delivered → entregada). Runs in the unit of work of the event's inbox record, with
 * the order row locked: decide, append the event, write the status and publish the order's own
 * facts (paid). A target already reached or passed is a no-op (a late or repeated fact); `pagada`
 * for an order cancelled before it was paid states the cancellation again, so payment refunds
 * the payment it approved meanwhile; a target the order cannot take yet (delivered before
 * shipped) throws OrderNotCaughtUp, so the event comes again once the order has caught up; one
 * it can never take from a final status (in transit for a cancelled order) is acknowledged and
 * ignored with a warning: a paid order is cancelled only after delivery stopped its goods, so it
 * is a stale fact, and a dead letter would only ask an operator to throw it away.
 */
@Injectable()
export class ChangeOrderStatusUseCase {
  private readonly logger = new Logger(ChangeOrderStatusUseCase.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
    private readonly outbox: OrderOutbox,
  ) {}

  execute(command: ChangeStatusCommand): Promise<ChangeStatusResult> {
    return this.uow.run(async () => {
      const found = await this.orders.findByIdForUpdateWithHistory(command.orderId);
      if (!found) throw new FactAboutUnknownOrder(command.orderId);
      const { order, history } = found;
      const decision = decideStatusMessage(order.status, visitedStatuses(history), command.target);
      switch (decision) {
        case 'already_reached':
          return { order, outcome: 'already_reached' };
        case 'not_yet':
          throw new OrderNotCaughtUp(order.id, order.status, command.target);
        case 'ignore_final':
          this.logger.warn(
            {
              order_id: order.id,
              status: order.status,
              target: command.target,
              delivery_id: command.deliveryId,
              payment_id: command.paymentId,
            },
            'a fact the order can no longer take (final status); acknowledged and ignored',
          );
          return { order, outcome: 'ignored' };
        case 'refund_late_payment':
          order.restateCancellation('payment approved after the order was cancelled');
          await this.outbox.publish(order.pullFacts());
          return { order, outcome: 'refund_requested' };
        case 'apply':
          order.transitionTo(command.target, command.cause, {
            messageId: command.eventId,
            paymentId: command.paymentId,
            deliveryId: command.deliveryId,
          });
          await this.orders.saveChanges(order);
          await this.outbox.publish(order.pullFacts());
          return { order, outcome: 'applied' };
      }
    });
  }
}
