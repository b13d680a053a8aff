import { Injectable } from '@nestjs/common';
import {
  ChangeOrderStatusDto,
  MESSAGE_PATHS,
  MESSAGE_TYPES,
  ORDER_INTERNAL_PATH,
} from '@app/contracts';
import { MessageOutbox } from '@app/kernel';
import { PaymentOutbox } from '../../application/ports/payment-outbox.port';
import { Payment } from '../../domain/entities/payment';

/** A message body as the relay posts it: the contract's DTO, `message_id` added on delivery. */
type Body<T> = Omit<T, 'message_id'>;

/**
 * Body of the order service's `POST /internal/orders/{id}/events` (its RecordOrderEventDto,
 * not in @app/contracts yet): a fact that does not move the order, applied once per message.
 */
interface RecordOrderEventBody {
  type: 'refunded';
  cause: string;
  payment_id: string;
}

/** Until MESSAGE_TYPES and MESSAGE_PATHS name them. */
export const PAYMENT_REFUNDED_TYPE = 'payment.refunded';
export const orderEventsPath = (orderId: string) => `${ORDER_INTERNAL_PATH}/${orderId}/events`;

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
    const body: RecordOrderEventBody = { type: 'refunded', cause, payment_id: payment.id };
    await this.outbox.enqueue({
      type: PAYMENT_REFUNDED_TYPE,
      aggregateId: payment.orderId,
      destination: 'order',
      path: orderEventsPath(payment.orderId),
      payload: { ...body },
    });
  }
}
