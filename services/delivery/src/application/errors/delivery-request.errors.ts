import { DomainError } from '@app/kernel';

/** No such order, or not the requester's: the order service does not show it to them. */
export class OrderNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'order_not_found';

  constructor(orderId: string) {
    super(`Order ${orderId} not found`, { order_id: orderId });
  }
}

/**
 * A delivery is for a paid order that is not cancelled, as far as the order's events told this
 * service (`order.paid`, `order.cancelled`); an order paid a moment ago may not be known yet.
 */
export class OrderNotPaid extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'order_not_paid';

  constructor(orderId: string, cancelled: boolean) {
    super(
      cancelled
        ? `Order ${orderId} was cancelled: it gets no delivery.`
        : `Order ${orderId} is not known to be paid: a delivery is for a paid order.`,
      { order_id: orderId, cancelled },
    );
  }
}

/** The order service refused the caller's token (expired since this service checked it, say). */
export class OrderServiceRefusedToken extends DomainError {
  readonly kind = 'unauthorized';
  readonly code = 'unauthorized';

  constructor() {
    super('The order service refused the access token.');
  }
}
