import { Injectable } from '@nestjs/common';
import { MESSAGE_PATHS, MESSAGE_TYPES } from '@app/contracts';
import { MessageOutbox } from '@app/kernel';
import {
  OrderStatusNotice,
  OrderStatusNotifier,
} from '../../application/ports/order-status-notifier.port';

/**
 * OrderStatusNotifier through the platform's transactional outbox: the notice is a row written
 * in the caller's transaction; the relay POSTs it to the order service's internal status
 * endpoint (ChangeOrderStatusDto, `message_id` added) until it answers 2xx. Messages of one
 * order go out in the order they were written (aggregate = order id).
 */
@Injectable()
export class OutboxOrderStatusNotifier extends OrderStatusNotifier {
  constructor(private readonly outbox: MessageOutbox) {
    super();
  }

  async notify(notice: OrderStatusNotice): Promise<void> {
    await this.outbox.enqueue({
      type:
        notice.status === 'enviada'
          ? MESSAGE_TYPES.deliveryInTransit
          : MESSAGE_TYPES.deliveryDelivered,
      aggregateId: notice.orderId,
      destination: 'order',
      path: MESSAGE_PATHS.orderStatus(notice.orderId),
      payload: {
        status: notice.status,
        cause: notice.cause,
        delivery_id: notice.deliveryId,
      },
    });
  }
}
