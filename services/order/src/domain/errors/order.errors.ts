import { DomainError } from '@app/kernel';
import { OrderStatus } from '../entities/order-status';

/** Also the answer for another customer's order: no existence leak. */
export class OrderNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'order_not_found';

  constructor(id: string) {
    super(`Order ${id} not found`, { order_id: id });
  }
}

export class IllegalTransition extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'illegal_transition';

  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`An order cannot go from ${from} to ${to}`, {
      current_status: from,
      requested_status: to,
    });
  }
}

/**
 * A paid order's cancel came too late: the delivery service says its goods left (they are on
 * their way or delivered). The order is not cancelled; it becomes `enviada` as the delivery's
 * fact arrives. The same problem type as any other refused move.
 */
export class CancelAfterShipment extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'illegal_transition';

  constructor(orderId: string, status: OrderStatus) {
    super(`Order ${orderId} cannot be cancelled: its goods have left the warehouse`, {
      current_status: status,
      requested_status: 'cancelada',
      reason: 'shipped',
    });
  }
}

/** Lists every unknown product, as the product service does. */
export class ProductNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'product_not_found';

  constructor(productIds: string[]) {
    super(
      productIds.length === 1
        ? `Product ${productIds[0]} not found`
        : `Products not found: ${productIds.join(', ')}`,
      { product_ids: productIds },
    );
  }
}

export interface ShortItem {
  product_id: string;
  requested: number;
  available: number;
}

export class InsufficientStock extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'insufficient_stock';

  constructor(readonly items: ShortItem[]) {
    super(
      `Insufficient stock for ${items.length} item(s): ${items.map((i) => i.product_id).join(', ')}`,
      { items },
    );
  }
}

/** An order value breaks an invariant (the DTOs catch most of these first). */
export class InvalidOrder extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'invalid_order';

  constructor(field: string, message: string) {
    super(message, { errors: [{ field, message }] });
  }
}

/** The priced order exceeds what the money columns hold (99,999,999.99). */
export class OrderTotalTooLarge extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'order_total_too_large';

  constructor() {
    super('The order total exceeds 99,999,999.99; split it into smaller orders.');
  }
}

/** A stored history that does not fold: a bug or a tampered table, never a client error. */
export class InconsistentHistory extends Error {
  constructor(reason: string) {
    super(`Inconsistent order history: ${reason}`);
    this.name = 'InconsistentHistory';
  }
}
