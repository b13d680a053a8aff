import { Injectable } from '@nestjs/common';
import { Delivery, DeliveryAddress } from '../domain/entities/delivery';
import { DeliveryRepository } from '../domain/repositories/delivery.repository';
import { OrderCancellations } from '../domain/repositories/order-cancellations.repository';
import { DeliverySettings } from './delivery-settings';
import { DeliveryOutbox } from './ports/delivery-outbox.port';

/** Tracking numbers drawn before giving up (a collision is about one in 10^15 per pair). */
const TRACKING_NUMBER_ATTEMPTS = 5;

export type OrderDeliveryState =
  { kind: 'existing'; delivery: Delivery } | { kind: 'order_cancelled' } | { kind: 'none' };

export interface NewDelivery {
  orderId: string;
  userId: string;
  address: DeliveryAddress;
}

/**
 * Shared by the two ways a delivery comes to be (the order paid, the owner's request).
 * Callers run inside a unit of work and call `lock` first, so creating and cancelling one
 * order's delivery never interleave.
 */
@Injectable()
export class DeliveryOpener {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly cancellations: OrderCancellations,
    private readonly settings: DeliverySettings,
    private readonly outbox: DeliveryOutbox,
  ) {}

  lock(orderId: string): Promise<void> {
    return this.deliveries.lockOrder(orderId);
  }

  /** The order's delivery, or whether the order is known to be cancelled. */
  async stateOf(orderId: string): Promise<OrderDeliveryState> {
    const existing = await this.deliveries.findByOrderId(orderId);
    if (existing) return { kind: 'existing', delivery: existing };
    if (await this.cancellations.isCancelled(orderId)) return { kind: 'order_cancelled' };
    return { kind: 'none' };
  }

  /**
   * A new `pendiente` delivery, with `delivery.created` in the same transaction; the existing one
   * if the order has one after all.
   */
  async open(
    input: NewDelivery,
    now = new Date(),
  ): Promise<{ created: boolean; delivery: Delivery }> {
    for (let attempt = 1; attempt <= TRACKING_NUMBER_ATTEMPTS; attempt += 1) {
      const delivery = Delivery.open(
        {
          ...input,
          carrier: this.settings.carrier,
          estimateDays: this.settings.estimateDays,
        },
        now,
      );
      const outcome = await this.deliveries.insertIfAbsent(delivery);
      if (outcome === 'inserted') {
        await this.outbox.opened(delivery);
        return { created: true, delivery };
      }
      if (outcome === 'order_has_delivery') {
        const existing = await this.deliveries.findByOrderId(input.orderId);
        if (existing) return { created: false, delivery: existing };
      }
    }
    throw new Error(`no free tracking number after ${TRACKING_NUMBER_ATTEMPTS} attempts`);
  }
}
