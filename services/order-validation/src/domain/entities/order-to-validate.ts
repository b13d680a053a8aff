import { Money } from '@app/kernel';

/** A line as the order service holds it: the unit price copied from the catalog at placement. */
export interface OrderLineToValidate {
  productId: string;
  quantity: number;
  unitPrice: Money;
}

/**
 * The order as read from the order service, reduced to what the rules look at. Not this
 * service's aggregate (it owns no orders): a read model, compared against the other services.
 */
export interface OrderToValidate {
  id: string;
  userId: string;
  /** the status as the order service names it: quoted in messages, never compared here */
  status: string;
  /** placed and neither paid nor cancelled: the only state validation accepts (SPEC.md) */
  awaitingPayment: boolean;
  lines: OrderLineToValidate[];
  total: Money;
}

export function isOwnedBy(order: OrderToValidate, userId: string): boolean {
  return order.userId.toLowerCase() === userId.toLowerCase();
}

/** The distinct product ids of the order's lines, lower-cased, in line order. */
export function productIdsOf(order: OrderToValidate): string[] {
  return [...new Set(order.lines.map((line) => line.productId.toLowerCase()))];
}
