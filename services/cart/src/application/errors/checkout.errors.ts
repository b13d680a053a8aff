import { DomainError, DomainErrorKind } from '@app/kernel';

/**
 * The order service refused the order and created nothing (unknown product, not enough stock,
 * a line it will not accept). `code` and `details` repeat its problem, so the caller sees why.
 */
export class OrderRefused extends DomainError {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}

/**
 * The order service answered without settling the checkout (the same key still in flight, or
 * reused with another body): an order may exist, so the checkout stays pending.
 */
export class OrderNotConfirmed extends DomainError {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, details);
  }
}

/** A checked-out cart names an order the order service does not show to this caller. */
export class OrderNotFound extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'order_not_found';

  constructor(orderId: string) {
    super(`Order ${orderId} not found`, { order_id: orderId });
  }
}

/**
 * The order service refused the caller's token (expired since this service checked it, say).
 * Like OrderNotConfirmed it settles nothing: a pending checkout stays pending.
 */
export class OrderServiceRefusedToken extends DomainError {
  readonly kind = 'unauthorized';
  readonly code = 'unauthorized';

  constructor(detail?: string) {
    super(
      detail
        ? `The order service refused the access token: ${detail}`
        : 'The order service refused the access token.',
    );
  }
}
