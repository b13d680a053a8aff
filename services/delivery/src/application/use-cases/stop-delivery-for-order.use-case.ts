import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Delivery } from '../../domain/entities/delivery';
import { DeliveryAlreadyLeft } from '../../domain/errors/delivery.errors';
import { DeliveryRepository } from '../../domain/repositories/delivery.repository';
import { OrderCancellations } from '../../domain/repositories/order-cancellations.repository';
import { DeliveryCanceller } from '../delivery-canceller';

/** Recorded as the cancellation's cause and in `delivery.cancelled`. */
export const STOP_CAUSE = 'order cancelled before its goods left';

export interface StopDeliveryResult {
  outcome: 'cancelled' | 'already_cancelled' | 'no_delivery';
  delivery: Delivery | null;
}

/**
 * The order service is about to cancel a paid order and asks first whether its goods left
 * (`POST /internal/deliveries/by-order/{order_id}/stop`): this service is the one that knows.
 * One transaction, with the order's deliveries locked (opening one for the order waits) and the
 * delivery row locked (an admin's status change waits, and its write is conditional on the
 * status it read): a `pendiente` delivery becomes `cancelada` with `delivery.cancelled`; one
 * cancelled already stays; with none, the order is remembered as cancelled so a later
 * `order.paid` or owner's request opens none. Each of these answers "stopped" and the order is
 * cancelled. A delivery `en_transito` or `entregada` throws DeliveryAlreadyLeft (409): the order
 * is not cancelled, it ships, and nothing is written here. Idempotent: asked again, it answers
 * the same (`already_cancelled` or `no_delivery`, or 409).
 */
@Injectable()
export class StopDeliveryForOrderUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly deliveries: DeliveryRepository,
    private readonly cancellations: OrderCancellations,
    private readonly canceller: DeliveryCanceller,
  ) {}

  execute(orderId: string): Promise<StopDeliveryResult> {
    return this.uow.run(async () => {
      await this.deliveries.lockOrder(orderId);
      const now = new Date();
      const result = await this.canceller.cancelPending(orderId, STOP_CAUSE, now);
      if (result.kind === 'left') {
        throw new DeliveryAlreadyLeft(orderId, result.delivery.id, result.delivery.status);
      }
      await this.cancellations.record(orderId, STOP_CAUSE, now);
      return {
        outcome: result.kind,
        delivery: result.kind === 'no_delivery' ? null : result.delivery,
      };
    });
  }
}
