import { Injectable } from '@nestjs/common';
import { EventPayload } from '@app/contracts';
import { EventOutbox, IntegrationEvent } from '@app/kernel';
import { OrderOutbox } from '../../application/ports/order-outbox.port';
import { OrderFact } from '../../domain/entities/order-facts';
import { ShippingAddress } from '../../domain/entities/shipping-address';

/**
 * OrderOutbox over the platform's event outbox: each fact becomes one integration event of the
 * catalogue (@app/contracts), its subject the order id, checked against its contract when
 * written. Who consumes it is the catalogue's business, not the order's.
 */
@Injectable()
export class PlatformOrderOutbox extends OrderOutbox {
  constructor(private readonly events: EventOutbox) {
    super();
  }

  async publish(facts: OrderFact[]): Promise<void> {
    if (facts.length === 0) return;
    await this.events.publish(...facts.map(toEvent));
  }
}

function toEvent(fact: OrderFact): IntegrationEvent {
  switch (fact.kind) {
    case 'placed': {
      const payload: EventPayload<'order.placed'> = {
        order_id: fact.orderId,
        user_id: fact.userId,
        items: fact.lines.map((line) => ({
          product_id: line.productId,
          quantity: line.quantity,
          price: line.unitPrice.toNumber(),
        })),
        total: fact.total.toNumber(),
        shipping_address: toAddress(fact.shippingAddress),
      };
      return { type: 'order.placed', subject: fact.orderId, payload };
    }
    case 'paid': {
      const payload: EventPayload<'order.paid'> = {
        order_id: fact.orderId,
        user_id: fact.userId,
        payment_id: fact.paymentId,
        total: fact.total.toNumber(),
        shipping_address: toAddress(fact.shippingAddress),
      };
      return { type: 'order.paid', subject: fact.orderId, payload };
    }
    case 'cancelled': {
      const payload: EventPayload<'order.cancelled'> = {
        order_id: fact.orderId,
        user_id: fact.userId,
        cause: fact.cause,
      };
      return { type: 'order.cancelled', subject: fact.orderId, payload };
    }
  }
}

function toAddress(
  address: ShippingAddress | null,
): EventPayload<'order.paid'>['shipping_address'] {
  return address
    ? {
        street: address.street,
        city: address.city,
        postal_code: address.postalCode,
        country: address.country,
      }
    : null;
}
