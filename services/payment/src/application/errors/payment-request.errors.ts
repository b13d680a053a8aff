import { DomainError } from '@app/kernel';

export class PaymentMethodNotSupported extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'payment_method_not_supported';

  constructor(method: string, gateway: string) {
    super(`The ${gateway} gateway does not take ${method} payments.`, {
      payment_method: method,
      gateway,
    });
  }
}

/** The gateway answered the refund with a refusal; nothing changed here. */
export class RefundRefused extends DomainError {
  readonly kind = 'conflict';
  readonly code = 'refund_refused';

  constructor(paymentId: string, reason: string) {
    super(`The gateway refused to refund payment ${paymentId}: ${reason}`, {
      payment_id: paymentId,
      reason,
    });
  }
}

/**
 * The gateway refused the refund of a cancelled order's payment: retrying the event cannot
 * change its mind, so the event is dead-lettered for an operator (the money is still charged).
 */
export class CancelledOrderRefundRefused extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'refund_refused';

  constructor(refusal: RefundRefused) {
    super(refusal.message, refusal.details);
  }
}

/** The gateway gave no usable answer to a refund; nothing changed, retrying is safe. */
export class GatewayUnavailable extends DomainError {
  readonly kind = 'unavailable';
  readonly code = 'upstream_unavailable';

  constructor(gateway: string) {
    super(`The ${gateway} payment gateway is unavailable. Try again shortly.`);
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
