/**
 * The order status machine as data. Every status change anywhere in the service goes through
 * this table; the database cannot tell a legal move from an illegal one.
 */
export const ORDER_STATUS_VALUES = [
  'creada',
  'pagada',
  'enviada',
  'entregada',
  'cancelada',
] as const;
export type OrderStatus = (typeof ORDER_STATUS_VALUES)[number];

export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  creada: ['pagada', 'cancelada'],
  pagada: ['enviada', 'cancelada'],
  enviada: ['entregada'],
  entregada: [],
  cancelada: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUS_VALUES as readonly string[]).includes(value);
}

/**
 * What to do with a status change another service's fact implies (the fact may be late,
 * repeated, or early): `not_yet` may apply once the order has caught up (deliver it again),
 * `ignore_final` can never apply from where the order is (a final status) and is acknowledged
 * without effect.
 */
export type StatusMessageDecision =
  'apply' | 'already_reached' | 'refund_late_payment' | 'not_yet' | 'ignore_final';

/**
 * The receiver's rule: a target the order is in, or has been in (its event history says so),
 * is a no-op: the fact is late or repeated and the order has moved on, never backwards. A
 * target allowed from the current status is applied. `pagada` for an order cancelled before it
 * was ever paid means a payment was approved while (or after) the order was cancelled: the
 * order stays cancelled and the payment is refunded. Any other target the order never had is
 * `ignore_final` from a final status (`enviada` for a cancelled order: the order asks delivery to
 * stop the goods before it cancels a paid order, so this is a stale or stray fact, never a
 * reason to move a final order, and nothing to dead-letter) and `not_yet` otherwise
 * (`entregada` before `enviada`: the facts came out of order).
 */
export function decideStatusMessage(
  current: OrderStatus,
  visited: Iterable<OrderStatus>,
  target: OrderStatus,
): StatusMessageDecision {
  if (target === current || new Set(visited).has(target)) return 'already_reached';
  if (canTransition(current, target)) return 'apply';
  if (current === 'cancelada' && target === 'pagada') return 'refund_late_payment';
  return TRANSITIONS[current].length === 0 ? 'ignore_final' : 'not_yet';
}
