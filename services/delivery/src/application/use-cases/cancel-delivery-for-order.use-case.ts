import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { DeliveryRepository } from '../../domain/repositories/delivery.repository';
import { OrderCancellations } from '../../domain/repositories/order-cancellations.repository';
import { DeliveryCanceller } from '../delivery-canceller';
import { FactResult, OrderCancelledFact } from '../dtos/delivery-commands';

/**
 * An order was cancelled (`order.cancelled`). Runs in the unit of work of the event's inbox
 * record (so it applies once), with the order's deliveries locked: remember the cancellation (so
 * a later `order.paid` or owner's request opens nothing), then cancel a `pendiente` delivery and
 * publish `delivery.cancelled`. A paid order's cancel has usually stopped its delivery already
 * (StopDeliveryForOrderUseCase), so this finds it cancelled (`unchanged`). One already
 * `en_transito` or `entregada` stays (`unchanged`): the parcel has left; never an error, so the
 * event is never dead-lettered. No delivery at all is fine too (`no_delivery`). A cancellation
 * stated again changes nothing.
 */
@Injectable()
export class CancelDeliveryForOrderUseCase {
  private readonly logger = new Logger(CancelDeliveryForOrderUseCase.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly deliveries: DeliveryRepository,
    private readonly cancellations: OrderCancellations,
    private readonly canceller: DeliveryCanceller,
  ) {}

  execute(fact: OrderCancelledFact): Promise<FactResult> {
    return this.uow.run(async () => {
      await this.deliveries.lockOrder(fact.orderId);
      const now = new Date();
      await this.cancellations.record(fact.orderId, fact.cause, now);
      const result = await this.canceller.cancelPending(
        fact.orderId,
        `order cancelled: ${fact.cause}`,
        now,
      );
      switch (result.kind) {
        case 'no_delivery':
          return { outcome: 'no_delivery', delivery: null };
        case 'cancelled':
          return { outcome: 'cancelled', delivery: result.delivery };
        case 'left':
          // Worth a human look: the order service asks before it cancels a paid order, so this
          // means an order cancelled without asking (an old one, or a bug).
          this.logger.warn(
            {
              order_id: result.delivery.orderId,
              delivery_id: result.delivery.id,
              status: result.delivery.status,
            },
            'order cancelled after its delivery left; the delivery stays as it is',
          );
          return { outcome: 'unchanged', delivery: result.delivery };
        case 'already_cancelled':
          return { outcome: 'unchanged', delivery: result.delivery };
      }
    });
  }
}
