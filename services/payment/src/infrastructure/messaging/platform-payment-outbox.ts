import { Injectable } from '@nestjs/common';
import {
  ChangeOrderStatusDto,
  MESSAGE_PATHS,
  MESSAGE_TYPES,
  RecordOrderEventDto,
} from '@app/contracts';
import { MessageOutbox } from '@app/kernel';
import { PaymentOutbox } from '../../application/ports/payment-outbox.port';
import { Payment } from '../../domain/entities/payment';

/** A message body as the relay posts it: the contract's DTO, `message_id` added on delivery. */
type Body<T> = Omit<T, 'message_id'>;

/**
 * PaymentOutbox over the platform's transactional outbox (docs/messaging.md). The aggregate is
 * the order, so messages about one order reach the order service in the order written.
 */
@Injectable()
export class PlatformPaymentOutbox extends PaymentOutbox {
  constructor(private readonly outbox: MessageOutbox) {
    super();
  }

  async paymentApproved(payment: Payment): Promise<void> {
    const body: Body<ChangeOrderStatusDto> = {
      status: 'pagada',
      cause: 'payment approved',
      payment_id: payment.id,
    };
    await this.outbox.enqueue({
      type: MESSAGE_TYPES.paymentApproved,
      aggregateId: payment.orderId,
      destination: 'order',
      path: MESSAGE_PATHS.orderStatus(payment.orderId),
      payload: { ...body },
    });
  }

  async paymentRefunded(payment: Payment, cause: string): Promise<void> {
    const body: Body<RecordOrderEventDto> = { type: 'refunded', cause, payment_id: payment.id };
    await this.outbox.enqueue({
      type: MESSAGE_TYPES.paymentRefunded,
      aggregateId: payment.orderId,
      destination: 'order',
      path: MESSAGE_PATHS.orderEvents(payment.orderId),
      payload: { ...body },
    });
  }
}
