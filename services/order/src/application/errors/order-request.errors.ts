import { DomainError } from '@app/kernel';

/** A customer may place orders for themselves only. */
export class OrderForAnotherUser extends DomainError {
  readonly kind = 'forbidden';
  readonly code = 'order_for_another_user';

  constructor() {
    super('A customer can only place orders for their own user_id.');
  }
}

/**
 * Another service's fact about an order this service never stored: it can never apply (the
 * order service is where orders come from), so the event goes to the dead letters.
 */
export class FactAboutUnknownOrder extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'unknown_order';

  constructor(orderId: string) {
    super(`There is no order ${orderId}.`, { order_id: orderId });
  }
}

/** A fact the order cannot take yet (delivered before shipped): it is delivered again later. */
export class OrderNotCaughtUp extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'order_not_caught_up';
  override readonly retryAfterSeconds = 1;

  constructor(orderId: string, status: string, target: string) {
    super(`Order ${orderId} is ${status}; ${target} can follow only later.`);
  }
}
