import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { DeliveryRepository } from '../../domain/repositories/delivery.repository';
import { OrderCancellations } from '../../domain/repositories/order-cancellations.repository';
import { FactResult, OrderCancelledFact } from '../dtos/delivery-commands';
import { DeliveryOutbox } from '../ports/delivery-outbox.port';

/** delivery.cancelled's cause, from the order's: "order cancelled: cancelled by the customer". */
const CAUSE_MAX = 200;

/**
 * An order was cancelled (`order.cancelled`). Runs in the unit of work of the event's inbox
 * record (so it applies once), with the order's deliveries locked: remember the cancellation (so
 * a later `order.paid` or owner's request opens nothing), then cancel a `pendiente` delivery and
 * publish `delivery.cancelled`. One already `en_transito` or `entregada` stays (`unchanged`):
 * the parcel has left. No delivery at all is fine too (`no_delivery`). A cancellation stated
 * again changes nothing.
 */
@Injectable()
export class CancelDeliveryForOrderUseCase {
  private readonly logger = new Logger(CancelDeliveryForOrderUseCase.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly deliveries: DeliveryRepository,
    private readonly cancellations: OrderCancellations,
    private readonly outbox: DeliveryOutbox,
  ) {}

  execute(fact: OrderCancelledFact): Promise<FactResult> {
    return this.uow.run(async () => {
      await this.deliveries.lockOrder(fact.orderId);
      const now = new Date();
      await this.cancellations.record(fact.orderId, fact.cause, now);
      const delivery = await this.deliveries.findByOrderIdForUpdate(fact.orderId);
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
      await this.outbox.cancelled(delivery, `order cancelled: ${fact.cause}`.slice(0, CAUSE_MAX));
      return { outcome: 'cancelled', delivery };
    });
  }
}
