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
  status: string;
  lines: OrderLineToValidate[];
  total: Money;
}

/** The status an order must be in to be validated (SPEC.md: "the order exists and is creada"). */
export const VALIDATABLE_STATUS = 'creada';

export function isOwnedBy(order: OrderToValidate, userId: string): boolean {
  return order.userId.toLowerCase() === userId.toLowerCase();
}

/** The distinct product ids of the order's lines, lower-cased, in line order. */
export function productIdsOf(order: OrderToValidate): string[] {
  return [...new Set(order.lines.map((line) => line.productId.toLowerCase()))];
}
