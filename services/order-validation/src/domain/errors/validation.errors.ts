import { DomainError } from '@app/kernel';

/**
 * A customer asked to validate an order that does not exist or is another customer's: the
 * same 404 for both, so nothing about other customers' orders leaks.
 */
export class OrderNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'order_not_found';

  constructor(orderId: string) {
    super(`Order ${orderId} not found`, { order_id: orderId });
  }
}

/**
 * No result is kept for this order: never validated, expired or evicted from memory, or (for a
 * customer) another customer's order.
 */
export class ValidationNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'validation_not_found';

  constructor(orderId: string) {
    super(
      `No validation result for order ${orderId}. Results are kept for a limited ` +
        'time: validate the order again with POST /api/v1/validations/validate.',
      { order_id: orderId },
    );
  }
}
