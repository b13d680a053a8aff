import { OrderStatus } from './order-status';
import { ShippingAddress } from './shipping-address';

/**
 * What another service must do because an order changed: the next steps of the order saga.
 * The order decides them with the change; the application writes them to the outbox in the
 * transaction of the change, so they are sent if and only if the change commits, and retried
 * until the receiver acknowledges them.
 */
export type OrderFollowUp =
  /** a paid order with a shipping address gets its shipment (delivery service) */
  | { kind: 'create_delivery'; orderId: string; userId: string; address: ShippingAddress }
  /** a cancelled order gives its reserved stock back (product service) */
  | { kind: 'release_stock'; orderId: string }
  /** a cancelled paid order, or a payment approved after the cancel, is refunded (payment) */
  | { kind: 'refund_payment'; orderId: string; cause: string }
  /** a cancelled paid order's pending delivery is cancelled (delivery service) */
  | { kind: 'cancel_delivery'; orderId: string; cause: string };

export interface MovedOrder {
  id: string;
  userId: string;
  shippingAddress: ShippingAddress | null;
}

/** The follow-ups of one move of the transition table (`from` → `to`). */
export function followUpsOfMove(
  order: MovedOrder,
  from: OrderStatus,
  to: OrderStatus,
  cause: string,
): OrderFollowUp[] {
  if (to === 'pagada') {
    return order.shippingAddress
      ? [
          {
            kind: 'create_delivery',
            orderId: order.id,
            userId: order.userId,
            address: { ...order.shippingAddress },
          },
        ]
      : [];
  }
  if (to === 'cancelada') {
    const followUps: OrderFollowUp[] = [{ kind: 'release_stock', orderId: order.id }];
    // A delivery may exist even without a shipping address on the order (its owner can
    // create one with POST /deliveries once paid), so the cancellation goes to delivery too.
    if (from === 'pagada') {
      followUps.push(
        { kind: 'refund_payment', orderId: order.id, cause },
        { kind: 'cancel_delivery', orderId: order.id, cause },
      );
    }
    return followUps;
  }
  return [];
}
