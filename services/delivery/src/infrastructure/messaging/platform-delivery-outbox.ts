import { Injectable } from '@nestjs/common';
import { EventPayload } from '@app/contracts';
import { EventOutbox } from '@app/kernel';
import { DeliveryOutbox } from '../../application/ports/delivery-outbox.port';
import { Delivery } from '../../domain/entities/delivery';

/** delivery.cancelled's `cause` is 1-200 characters. */
const CAUSE_MAX = 200;

/**
 * DeliveryOutbox over the platform's event outbox: each fact is one integration event of the
 * catalogue (@app/contracts), its subject the order id, so one order's events reach each
 * subscriber in the order they were written (in transit before delivered).
 */
@Injectable()
export class PlatformDeliveryOutbox extends DeliveryOutbox {
  constructor(private readonly events: EventOutbox) {
    super();
  }

  async opened(delivery: Delivery): Promise<void> {
    const payload: EventPayload<'delivery.created'> = {
      delivery_id: delivery.id,
      order_id: delivery.orderId,
      tracking_number: delivery.trackingNumber,
    };
    await this.events.publish({ type: 'delivery.created', subject: delivery.orderId, payload });
  }

  async moved(delivery: Delivery): Promise<void> {
    const payload: EventPayload<'delivery.in_transit'> = {
      delivery_id: delivery.id,
      order_id: delivery.orderId,
    };
    if (delivery.status === 'en_transito') {
      await this.events.publish({
        type: 'delivery.in_transit',
        subject: delivery.orderId,
        payload,
      });
    } else if (delivery.status === 'entregada') {
      await this.events.publish({ type: 'delivery.delivered', subject: delivery.orderId, payload });
    }
  }

  async cancelled(delivery: Delivery, cause: string): Promise<void> {
    const payload: EventPayload<'delivery.cancelled'> = {
      delivery_id: delivery.id,
      order_id: delivery.orderId,
      cause: cause.trim().slice(0, CAUSE_MAX) || 'cancelled',
    };
    await this.events.publish({ type: 'delivery.cancelled', subject: delivery.orderId, payload });
  }
}
