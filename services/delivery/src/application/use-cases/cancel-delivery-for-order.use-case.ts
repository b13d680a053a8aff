import { Injectable, Logger } from '@nestjs/common';
import { MessageInbox, UnitOfWork } from '@app/kernel';
import { DeliveryRepository } from '../../domain/repositories/delivery.repository';
import { OrderCancellations } from '../../domain/repositories/order-cancellations.repository';
import { MessageResult, CancelDeliveryMessage } from '../dtos/delivery-commands';

/**
 * The order service's "this order is cancelled" message. One transaction: lock the order's
 * deliveries, record the message id (inbox), remember the cancellation (so a late create opens
 * nothing), then cancel a `pendiente` delivery. One already `en_transito` or `entregada` stays
 * (`unchanged`): the parcel has left. No delivery at all is fine too (`no_delivery`: the order
 * may have had no address). A message id seen before changes nothing.
 */
@Injectable()
export class CancelDeliveryForOrderUseCase {
  private readonly logger = new Logger(CancelDeliveryForOrderUseCase.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly inbox: MessageInbox,
    private readonly deliveries: DeliveryRepository,
    private readonly cancellations: OrderCancellations,
  ) {}

  execute(message: CancelDeliveryMessage): Promise<MessageResult> {
    return this.uow.run(async () => {
      await this.deliveries.lockOrder(message.orderId);
      if (!(await this.inbox.firstDelivery(message.messageId))) {
        const current = await this.deliveries.findByOrderId(message.orderId);
        return { outcome: 'duplicate', delivery: current };
      }
      const now = new Date();
      await this.cancellations.record(message.orderId, message.cause, now);
      const delivery = await this.deliveries.findByOrderIdForUpdate(message.orderId);
      if (!delivery) return { outcome: 'no_delivery', delivery: null };
      if (!delivery.cancelForOrder(now)) {
        if (delivery.status !== 'cancelada') {
          // Worth a human look: the order is cancelled but its parcel is already on its way.
          this.logger.warn(
            { order_id: delivery.orderId, delivery_id: delivery.id, status: delivery.status },
            'order cancelled after its delivery left; the delivery stays as it is',
          );
        }
        return { outcome: 'unchanged', delivery };
      }
      await this.deliveries.save(delivery);
      return { outcome: 'cancelled', delivery };
    });
  }
}
