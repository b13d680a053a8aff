import { Injectable } from '@nestjs/common';
import {
  CancelDeliveryMessageDto,
  CreateDeliveryMessageDto,
  MESSAGE_PATHS,
  MESSAGE_TYPES,
  RefundOrderPaymentMessageDto,
} from '@app/contracts';
import { MessageOutbox, OutgoingMessage } from '@app/kernel';
import { OrderOutbox } from '../../application/ports/order-outbox.port';
import { OrderFollowUp } from '../../domain/entities/order-follow-ups';

/** A message body as the relay posts it: the contract's DTO, `message_id` added on delivery. */
type Body<T> = Omit<T, 'message_id'>;

/**
 * OrderOutbox over the platform's transactional outbox: each follow-up becomes one message to
 * the receiver's internal endpoint (paths and bodies from @app/contracts, docs/messaging.md
 * "The messages"). The aggregate id is the order id, so one order's messages reach each
 * receiver in the order they were written (a delivery is created before it is cancelled).
 */
@Injectable()
export class PlatformOrderOutbox extends OrderOutbox {
  constructor(private readonly outbox: MessageOutbox) {
    super();
  }

  async enqueue(followUps: OrderFollowUp[]): Promise<void> {
    if (followUps.length === 0) return;
    await this.outbox.enqueue(...followUps.map(toMessage));
  }
}

function toMessage(followUp: OrderFollowUp): OutgoingMessage {
  switch (followUp.kind) {
    case 'create_delivery': {
      const body: Body<CreateDeliveryMessageDto> = {
        order_id: followUp.orderId,
        user_id: followUp.userId,
        address: {
          street: followUp.address.street,
          city: followUp.address.city,
          postal_code: followUp.address.postalCode,
          country: followUp.address.country,
        },
      };
      return message(
        MESSAGE_TYPES.orderPaid,
        followUp.orderId,
        'delivery',
        MESSAGE_PATHS.createDelivery(),
        body,
      );
    }
    case 'release_stock':
      // the product service's release takes no body; the relay still adds message_id
      return message(
        MESSAGE_TYPES.orderCancelled,
        followUp.orderId,
        'product',
        MESSAGE_PATHS.releaseStock(followUp.orderId),
        {},
      );
    case 'refund_payment': {
      const body: Body<RefundOrderPaymentMessageDto> = {
        order_id: followUp.orderId,
        cause: followUp.cause,
      };
      return message(
        MESSAGE_TYPES.orderCancelled,
        followUp.orderId,
        'payment',
        MESSAGE_PATHS.refundPayment(),
        body,
      );
    }
    case 'cancel_delivery': {
      const body: Body<CancelDeliveryMessageDto> = {
        order_id: followUp.orderId,
        cause: followUp.cause,
      };
      return message(
        MESSAGE_TYPES.orderCancelled,
        followUp.orderId,
        'delivery',
        MESSAGE_PATHS.cancelDelivery(),
        body,
      );
    }
  }
}

function message(
  type: string,
  orderId: string,
  destination: 'product' | 'payment' | 'delivery',
  path: string,
  payload: object,
): OutgoingMessage {
  return { type, aggregateId: orderId, destination, path, payload: { ...payload } };
}
