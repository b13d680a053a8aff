import { Injectable } from '@nestjs/common';
import { Delivery } from '../domain/entities/delivery';
import { DeliveryRepository } from '../domain/repositories/delivery.repository';
import { DeliveryOutbox } from './ports/delivery-outbox.port';

/** delivery.cancelled's cause is at most this long (as the order's causes). */
const CAUSE_MAX = 200;

export type PendingCancellation =
  | { kind: 'cancelled'; delivery: Delivery }
  | { kind: 'already_cancelled'; delivery: Delivery }
  | { kind: 'left'; delivery: Delivery }
  | { kind: 'no_delivery' };

/**
 * Shared by the two ways an order's delivery is cancelled with the order (the order's stop
 * before it cancels, and `order.cancelled`). Callers run inside a unit of work and hold the
 * order's lock (DeliveryOpener.lock), so opening and cancelling one order's delivery never
 * interleave; the delivery row is locked too, which an admin's status change also takes.
 */
@Injectable()
export class DeliveryCanceller {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly outbox: DeliveryOutbox,
  ) {}

  /**
   * A `pendiente` delivery becomes `cancelada` with `delivery.cancelled` in the same
   * transaction; one that left (`en_transito`, `entregada`) or is cancelled already stays.
   */
  async cancelPending(
    orderId: string,
    cause: string,
    now = new Date(),
  ): Promise<PendingCancellation> {
    const delivery = await this.deliveries.findByOrderIdForUpdate(orderId);
    if (!delivery) return { kind: 'no_delivery' };
    if (delivery.hasLeft()) return { kind: 'left', delivery };
    const from = delivery.status;
    if (!delivery.cancelForOrder(now)) return { kind: 'already_cancelled', delivery };
    if (!(await this.deliveries.saveMove(delivery, from))) {
      // the row is locked by this transaction: nothing else can have moved it
      throw new Error(`delivery ${delivery.id} moved while locked`);
    }
    await this.outbox.cancelled(delivery, cause.slice(0, CAUSE_MAX));
    return { kind: 'cancelled', delivery };
  }
}
