import { DomainError } from '@app/kernel';

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

/** A product value breaks an invariant (the DTOs catch these first; this is the last guard). */
export class InvalidProduct extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'invalid_product';

  constructor(field: string, message: string) {
    super(message, { errors: [{ field, message }] });
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

export class InvalidReservation extends DomainError {
  readonly kind = 'invalid';
  readonly code = 'invalid_reservation';

  constructor(field: string, message: string) {
    super(message, { errors: [{ field, message }] });
  }
}

export class ReservationNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'reservation_not_found';

  constructor(orderId: string) {
    super(`No stock reservation for order ${orderId}`, { order_id: orderId });
  }
}

/** The order already holds a reservation with different items: order_id is an idempotency key. */
export class ReservationMismatch extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'reservation_mismatch';

  constructor(orderId: string) {
    super(`Order ${orderId} already holds a reservation with different items`, {
      order_id: orderId,
    });
  }
}

/**
 * The order's reservation was released (or a release came first and left a tombstone): its
 * order id never takes stock again. The order service gave this placement up; it answers its
 * client with a 503 and a retry places a new order under a new id.
 */
export class ReservationReleased extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'reservation_released';

  constructor(orderId: string) {
    super(`The stock reservation of order ${orderId} was released; it cannot reserve again`, {
      order_id: orderId,
    });
  }
}
