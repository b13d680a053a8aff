import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Order } from '../../domain/entities/order';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { RecordEventCommand } from '../dtos/record-event.command';
import { FactAboutUnknownOrder } from '../errors/order-request.errors';

/**
 * Another service reports a fact about an order that does not move it (payment: `refunded`;
 * order-validation: `validated`). Runs in the unit of work of the event's inbox record (so a
 * repeated event appends nothing), with the order row locked. Any status accepts it: the history
 * records what happened (a refund of a cancelled order, or an admin's refund of a paid one).
 */
@Injectable()
export class RecordOrderEventUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
  ) {}

  execute(command: RecordEventCommand): Promise<Order> {
    return this.uow.run(async () => {
      const order = await this.orders.findByIdForUpdate(command.orderId);
      if (!order) throw new FactAboutUnknownOrder(command.orderId);
      order.recordFact(command.type, command.cause, {
        messageId: command.eventId,
        paymentId: command.paymentId,
      });
      await this.orders.saveChanges(order);
      return order;
    });
  }
}
