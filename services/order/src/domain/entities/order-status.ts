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

/** What to do with a status change another service sends (it may be late, or repeated). */
export type StatusMessageDecision = 'apply' | 'already_reached' | 'refund_late_payment' | 'illegal';

/**
 * The receiver's rule: a target the order is in, or has been in (its event history says so),
 * is a no-op: the message is late or repeated and the order has moved on, never backwards. A
 * target allowed from the current status is applied. `pagada` for an order cancelled before it
 * was ever paid means a payment was approved while (or after) the order was cancelled: the
 * order stays cancelled and the payment is refunded (the sender's outbox cannot act on a
 * refusal, so the receiver settles it). Anything else (a target the order never had and cannot
 * take now, e.g. `entregada` before `enviada`, or `enviada` for a cancelled order) is illegal.
 */
export function decideStatusMessage(
  current: OrderStatus,
  visited: Iterable<OrderStatus>,
  target: OrderStatus,
): StatusMessageDecision {
  if (target === current || new Set(visited).has(target)) return 'already_reached';
  if (canTransition(current, target)) return 'apply';
  return current === 'cancelada' && target === 'pagada' ? 'refund_late_payment' : 'illegal';
}
