import { Money } from '@app/kernel';
import { OrderStatus } from './order-status';
import { ShippingAddress } from './shipping-address';

/**
 * What happened to an order that other services may care about, in the order's own words
 * (published as the integration events `order.placed`, `order.paid`, `order.cancelled`). The
 * order records them with the change; the application writes them to the outbox in the
 * transaction of the change, so they are published if and only if the change commits. Who
 * listens, and what they do about it, is theirs to decide.
 */
export type OrderFact =
  | {
      kind: 'placed';
      orderId: string;
      userId: string;
      lines: Array<{ productId: string; quantity: number; unitPrice: Money }>;
      total: Money;
      shippingAddress: ShippingAddress | null;
    }
  | {
      kind: 'paid';
      orderId: string;
      userId: string;
      paymentId: string;
      total: Money;
      shippingAddress: ShippingAddress | null;
    }
  | { kind: 'cancelled'; orderId: string; userId: string; cause: string };

export interface MovedOrder {
  id: string;
  userId: string;
  total: Money;
  shippingAddress: ShippingAddress | null;
}

/** The facts of one move of the transition table (to `to`, caused by `cause`). */
export function factsOfMove(
  order: MovedOrder,
  to: OrderStatus,
  cause: string,
  paymentId: string | null,
): OrderFact[] {
  if (to === 'pagada') {
    if (!paymentId) throw new Error('an order is paid by a payment: its id is required');
    return [
      {
        kind: 'paid',
        orderId: order.id,
        userId: order.userId,
        paymentId,
        total: order.total,
        shippingAddress: order.shippingAddress ? { ...order.shippingAddress } : null,
      },
    ];
  }
  if (to === 'cancelada') {
    return [{ kind: 'cancelled', orderId: order.id, userId: order.userId, cause }];
  }
  return [];
}
