import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { OrderNotFound } from '../../domain/errors/order.errors';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { RecordEventCommand, RecordEventResult } from '../dtos/record-event.command';
import { MessageIdReused } from '../errors/order-request.errors';
import { ProcessedMessages } from '../ports/processed-messages.port';

/**
 * Another service reports a fact about an order that does not move it (payment: `refunded`).
 * Same shape as a status message: lock the order, record the message id (inbox), append the
 * event; a repeated message id appends nothing. Any status accepts it: the history records what
 * happened (a refund of a cancelled order, or an admin's refund of a paid one).
 */
@Injectable()
export class RecordOrderEventUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
    private readonly inbox: ProcessedMessages,
  ) {}

  execute(command: RecordEventCommand): Promise<RecordEventResult> {
    return this.uow.run(async () => {
      const order = await this.orders.findByIdForUpdate(command.orderId);
      if (!order) throw new OrderNotFound(command.orderId);

      const record = await this.inbox.record(command.messageId, order.id);
      if (!record.fresh) {
        if (record.orderId.toLowerCase() !== order.id.toLowerCase()) {
          throw new MessageIdReused(command.messageId, record.orderId);
        }
        return { order, outcome: 'duplicate' };
      }

      order.recordFact(command.type, command.cause, {
        messageId: command.messageId,
        paymentId: command.paymentId,
      });
      await this.orders.saveChanges(order);
      return { order, outcome: 'recorded' };
    });
  }
}
