import { DomainError } from '@app/kernel';

/** No such order, or not the requester's: the order service does not show it to them. */
export class OrderNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'order_not_found';

  constructor(orderId: string) {
    super(`Order ${orderId} not found`, { order_id: orderId });
  }
}

/** A delivery is for a paid order: creada, cancelled (or not yet paid) orders are refused. */
export class OrderNotPaid extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'order_not_paid';

  constructor(orderId: string, currentStatus: string) {
    super(
      `Order ${orderId} is ${currentStatus}: a delivery can only be created for a paid order (pagada).`,
      { order_id: orderId, current_status: currentStatus },
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
